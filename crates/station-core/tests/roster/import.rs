//! Importing: the mapping, the report of bad rows and files, all or nothing.

use station_core::config::IssuanceTemplate;
use station_core::error::ErrorCode;
use station_core::roster::{
    ColumnMapping, Problem, MAX_FILE_BYTES, MAX_LISTED_PROBLEMS, MAX_ROWS, MAX_VALUE_CHARS,
};
use station_core::store::{audit, Durability};
use station_testkit::roster::{attendees, badge_template, csv};

use crate::{file, fixture, import, row};

#[test]
fn columns_map_by_claim_name_or_label_whatever_the_case() {
    let f = fixture();
    let report = import(
        &f.roster,
        "ID, First name ,LAST_NAME,company,Shoe size\nA1,Megan,Bowen,Contoso,38\nA2,Alex,Wilber,,44\n",
        &[],
    );
    assert!(report.succeeded(), "{report:?}");
    assert_eq!(report.imported, 2);
    assert_eq!(report.ignored_columns, ["Shoe size"]);
    let megan = &f.roster.search("megan", 20).unwrap()[0];
    assert_eq!(megan.external_id.as_deref(), Some("A1"));
    assert_eq!(
        megan
            .claims
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>(),
        ["company=Contoso", "family_name=Bowen", "given_name=Megan"]
    );
    // An empty optional value is no claim at all.
    let alex = &f.roster.search("alex", 20).unwrap()[0];
    assert!(!alex.claims.contains_key("company"), "{alex:?}");
}

#[test]
fn explicit_pairs_come_before_the_default() {
    let f = fixture();
    let report = import(
        &f.roster,
        "Ticket,Vorname,Nachname,given_name\nT-1,Megan,Bowen,ignored\n",
        &["Ticket=id", "vorname=given_name", "Nachname=Last name"],
    );
    assert!(report.succeeded(), "{report:?}");
    assert_eq!(report.ignored_columns, ["given_name"]);
    let megan = f
        .roster
        .person(f.roster.search("bowen", 1).unwrap()[0].person_id)
        .unwrap()
        .unwrap();
    assert_eq!(megan.external_id.as_deref(), Some("T-1"));
    assert_eq!(megan.claims["given_name"], "Megan");
    assert_eq!(megan.claims["family_name"], "Bowen");
}

#[test]
fn a_utf8_bom_and_crlf_line_ends_are_fine() {
    let f = fixture();
    let report = import(&f.roster, "\u{feff}given_name,family_name\r\nZoë,Müller\r\n", &[]);
    assert!(report.succeeded(), "{report:?}");
    assert_eq!(f.roster.count().unwrap(), 1);
}

#[test]
fn bad_rows_are_listed_by_line_and_nothing_is_imported() {
    let f = fixture();
    let long = "x".repeat(MAX_VALUE_CHARS + 1);
    let mut text = Vec::new();
    text.extend_from_slice(b"id,given_name,family_name,company\n"); // line 1
    text.extend_from_slice(b"A1,Megan,Bowen,Contoso\n"); // 2: good
    text.extend_from_slice(b"A2,,Wilber,Contoso\n"); // 3: no given name
    text.extend_from_slice(b"A3,Alex,Wilber\n"); // 4: a field short
    text.extend_from_slice(format!("A4,Lee,{long},Contoso\n").as_bytes()); // 5: too long
    text.extend_from_slice(b"A5,Ren\xe9e,Gu\xe9rin,Contoso\n"); // 6: Latin-1
    text.extend_from_slice(b"A1,Megan,Bowen,Contoso\n"); // 7: id of line 2
    text.extend_from_slice(b",Nestor,Wilke,Contoso\n"); // 8: no id
    text.extend_from_slice(b"A6,\"Multi\nLine\",Adams,\n"); // 9-10: good, spans two lines
    text.extend_from_slice(b"A7,Joni,,\n"); // 11: no family name
    let report = import(&f.roster, &text, &[]);
    assert_eq!(report.imported, 0);
    assert_eq!(
        report.problems,
        [
            row(
                3,
                Problem::MissingRequired {
                    claim: "given_name".into(),
                    label: "First name".into()
                }
            ),
            row(
                4,
                Problem::FieldCount {
                    found: 3,
                    expected: 4
                }
            ),
            row(
                5,
                Problem::TooLong {
                    column: "family_name".into(),
                    chars: MAX_VALUE_CHARS + 1,
                    max: MAX_VALUE_CHARS
                }
            ),
            row(6, Problem::NotUtf8),
            row(
                7,
                Problem::DuplicateInFile {
                    external_id: "A1".into(),
                    first_line: 2
                }
            ),
            row(8, Problem::MissingId),
            row(
                11,
                Problem::MissingRequired {
                    claim: "family_name".into(),
                    label: "Last name".into()
                }
            ),
        ]
    );
    let messages: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages[0],
        "line 3: the required claim 'given_name' (First name) is empty; fill it in"
    );
    assert!(
        messages[1].contains("a value with a comma needs double quotes"),
        "{messages:?}"
    );
    assert!(
        messages[3].contains("save the file as \"CSV UTF-8\""),
        "{messages:?}"
    );
    assert!(
        !messages.iter().any(|m| m.contains("Megan") || m.contains(&long)),
        "{messages:?}"
    );
    assert_eq!(f.roster.count().unwrap(), 0);
    let connection = f.database.connect(Durability::Normal).unwrap();
    assert!(audit::entries(&connection).unwrap().is_empty());
    let imports: i64 = connection
        .query_row("SELECT count(*) FROM roster_imports", [], |r| r.get(0))
        .unwrap();
    assert_eq!(imports, 0);
}

#[test]
fn file_problems_say_what_to_fix_before_any_row_is_read() {
    let f = fixture();
    assert_eq!(import(&f.roster, "", &[]).problems, [file(Problem::NoHeader)]);
    assert_eq!(
        import(&f.roster, "given_name,family_name\n", &[]).problems,
        [file(Problem::NoRows)]
    );
    assert_eq!(
        import(&f.roster, b"given_name,fam\xffily\nMegan,Bowen\n", &[]).problems,
        [file(Problem::HeaderNotUtf8)]
    );
    let report = import(
        &f.roster,
        "First,Surname\nMegan,Bowen\n",
        &["Given=given_name", "Surname=nickname"],
    );
    assert_eq!(
        report.problems,
        [
            file(Problem::MissingColumn {
                column: "Given".into(),
                columns: vec!["First".into(), "Surname".into()]
            }),
            file(Problem::UnknownClaim {
                claim: "nickname".into(),
                template: "badge".into(),
                claims: vec!["given_name".into(), "family_name".into(), "company".into()]
            }),
            file(Problem::UnmappedRequired {
                claim: "family_name".into(),
                label: "Last name".into()
            }),
        ]
    );
    assert_eq!(
        report.problems[0].to_string(),
        "the file: it has no column 'Given'; its columns are: First, Surname"
    );
    let report = import(
        &f.roster,
        "given_name,First name,family_name\nMegan,Meg,Bowen\n",
        &[],
    );
    assert_eq!(
        report.problems,
        [file(Problem::SharedTarget {
            target: "given_name".into(),
            columns: vec!["given_name".into(), "First name".into()]
        })]
    );
    assert!(report.problems[0].to_string().contains("--map column=given_name"));
    let report = import(
        &f.roster,
        "Name,name,family_name\nMegan,Meg,Bowen\n",
        &["name=given_name"],
    );
    assert_eq!(
        report.problems,
        [file(Problem::AmbiguousColumn {
            column: "name".into()
        })]
    );
    assert_eq!(f.roster.count().unwrap(), 0);
}

#[test]
fn a_file_with_too_many_rows_is_refused_whole() {
    let f = fixture();
    let report = import(&f.roster, csv(&attendees(MAX_ROWS + 1)), &[]);
    assert_eq!(report.problems, [file(Problem::TooManyRows { max: MAX_ROWS })]);
    assert_eq!(f.roster.count().unwrap(), 0);
}

#[test]
fn a_file_too_large_to_hold_is_refused_whole() {
    /// Rows of a kilobyte, without end.
    struct Endless {
        row: Vec<u8>,
        at: usize,
    }
    impl std::io::Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            for byte in buf.iter_mut() {
                *byte = self.row[self.at % self.row.len()];
                self.at += 1;
            }
            Ok(buf.len())
        }
    }
    let f = fixture();
    let rows = Endless {
        row: format!("Megan,Bowen,{}\n", "x".repeat(1_000)).into_bytes(),
        at: 0,
    };
    let text = std::io::Read::chain(&b"given_name,family_name,notes\n"[..], rows);
    let mapping = ColumnMapping::default();
    let report = f
        .roster
        .import(text, "huge.csv", &badge_template(), &mapping)
        .unwrap();
    assert_eq!(
        report.problems,
        [file(Problem::TooLarge {
            max_bytes: MAX_FILE_BYTES
        })]
    );
    assert!(report.problems[0].to_string().contains("larger than 128 MiB"));
    assert_eq!(f.roster.count().unwrap(), 0);
}

#[test]
fn a_report_lists_the_first_problems_and_counts_the_rest() {
    let f = fixture();
    let text = format!(
        "given_name,family_name\n{}",
        ",Bowen\n".repeat(MAX_LISTED_PROBLEMS + 500)
    );
    let report = import(&f.roster, text, &[]);
    assert_eq!(report.problems.len(), MAX_LISTED_PROBLEMS);
    assert_eq!(report.unlisted_problems, 500);
    assert_eq!(report.problems[0].line, Some(2));
}

#[test]
fn a_good_file_goes_in_whole_with_its_import_and_audit_rows() {
    let f = fixture();
    let people = attendees(2_000);
    let report = import(&f.roster, csv(&people), &[]);
    assert!(report.succeeded(), "{:?}", report.problems);
    assert_eq!(report.imported, 2_000);
    assert_eq!(f.roster.count().unwrap(), 2_000);
    let connection = f.database.connect(Durability::Normal).unwrap();
    let (source, template, count): (String, String, i64) = connection
        .query_row("SELECT source, template, people FROM roster_imports", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(
        (source.as_str(), template.as_str(), count),
        ("people.csv", "badge", 2_000)
    );
    let entries = audit::entries(&connection).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].actor.as_str(), entries[0].action.as_str()),
        ("staff", "imported")
    );
    assert_eq!(entries[0].subject.as_deref(), Some("people.csv"));
    assert_eq!(
        entries[0].detail.as_deref(),
        Some("2000 people for template badge")
    );
}

#[test]
fn an_id_already_in_the_roster_refuses_the_whole_second_file() {
    let f = fixture();
    assert!(import(
        &f.roster,
        "id,given_name,family_name\nA1,Megan,Bowen\nA2,Alex,Wilber\n",
        &[]
    )
    .succeeded());
    let report = import(
        &f.roster,
        "id,given_name,family_name\nB1,Lee,Gu\nA2,Alex,Wilber\nB2,Joni,Sherman\nA1,Megan,Bowen\n",
        &[],
    );
    assert_eq!(
        report.problems,
        [
            row(
                3,
                Problem::DuplicateInRoster {
                    external_id: "A2".into()
                }
            ),
            row(
                5,
                Problem::DuplicateInRoster {
                    external_id: "A1".into()
                }
            ),
        ]
    );
    assert!(report.problems[0].to_string().contains("already in the roster"));
    assert_eq!(f.roster.count().unwrap(), 2);
}

#[test]
fn a_mapping_pair_is_column_equals_claim() {
    for (pairs, fix) in [
        (&["given_name"][..], "write it as column=claim"),
        (&["=given_name"][..], "write it as column=claim"),
        (&["First="][..], "write it as column=claim"),
        (
            &["First=given_name", "first=family_name"][..],
            "map each column once",
        ),
        (
            &["First=given_name", "Vorname=Given_Name"][..],
            "map one column to each claim",
        ),
    ] {
        let error = ColumnMapping::parse(pairs).unwrap_err();
        assert_eq!(error.code(), "roster.bad_mapping");
        assert!(error.to_string().contains(fix), "{pairs:?}: {error}");
    }
    // The claim is split off at the last '=': a column name may hold one.
    let f = fixture();
    let report = import(
        &f.roster,
        "\"a=b\",family_name\nMegan,Bowen\n",
        &["a=b=given_name"],
    );
    assert!(report.succeeded(), "{report:?}");
}

#[test]
fn the_report_and_people_serialize_for_the_ui() {
    let f = fixture();
    let report = import(&f.roster, "given_name,family_name\n,Bowen\n", &[]);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["imported"], 0);
    assert_eq!(json["problems"][0]["line"], 2);
    assert_eq!(json["problems"][0]["problem"]["kind"], "missingRequired");
    assert_eq!(json["problems"][0]["problem"]["claim"], "given_name");
    assert!(json["problems"][0]["message"]
        .as_str()
        .unwrap()
        .contains("fill it in"));
    assert_eq!(json["ignoredColumns"], serde_json::json!([]));
}

#[test]
fn an_unreadable_file_is_an_error_with_its_code() {
    struct Broken;
    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }
    let f = fixture();
    let template: IssuanceTemplate = badge_template();
    let error = f
        .roster
        .import(Broken, "people.csv", &template, &ColumnMapping::default())
        .unwrap_err();
    assert_eq!(error.code(), "roster.unreadable_csv");
    assert!(error.to_string().contains("people.csv"), "{error}");
}
