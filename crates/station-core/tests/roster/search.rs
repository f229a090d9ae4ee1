//! Searching as staff type, and the issued marks from the outbox.

use station_core::store::Durability;
use station_testkit::roster::{as_typed, attendees, csv};

use crate::{fixture, given_names, import, Fixture};

fn roster_of(names: &[(&str, &str)]) -> Fixture {
    let f = fixture();
    let mut text = String::from("given_name,family_name,company\n");
    for (given, family) in names {
        text.push_str(&format!("{given},{family},Contoso\n"));
    }
    assert!(import(&f.roster, text, &[]).succeeded());
    f
}

#[test]
fn every_keystroke_finds_the_person_being_typed() {
    let f = roster_of(&[
        ("Megan", "Bowen"),
        ("Alex", "Wilber"),
        ("Meghan", "Trainor"),
        ("Bob", "Megson"),
    ]);
    for typed in [
        "m",
        "me",
        "meg",
        "mega",
        "megan",
        "megan b",
        "megan bo",
        "MEGAN BOWEN",
        "bo meg",
    ] {
        let found = f.roster.search(typed, 20).unwrap();
        assert!(given_names(&found).contains(&"Megan"), "{typed}: {found:?}");
    }
    assert_eq!(given_names(&f.roster.search("megan bo", 20).unwrap()), ["Megan"]);
    assert_eq!(given_names(&f.roster.search("wil", 20).unwrap()), ["Alex"]);
    assert!(f.roster.search("megan x", 20).unwrap().is_empty());
    // Other claims and the start of any word count: the company matches all.
    assert_eq!(f.roster.search("cont", 20).unwrap().len(), 4);
}

#[test]
fn typing_through_generated_names_always_finds_the_person() {
    let f = fixture();
    let people = attendees(500);
    assert!(import(&f.roster, csv(&people), &[]).succeeded());
    for attendee in people.iter().step_by(50) {
        let typed = as_typed(attendee);
        let full = typed.last().unwrap();
        let found = f.roster.search(full, 200).unwrap();
        assert!(
            found
                .iter()
                .any(|p| p.external_id.as_deref() == Some(attendee.id.as_str())),
            "{full}: {found:?}"
        );
    }
}

#[test]
fn diacritics_and_case_do_not_matter() {
    let f = roster_of(&[("Zoë", "Müller"), ("Zoe", "Smith"), ("José", "García")]);
    assert_eq!(given_names(&f.roster.search("Zoe", 20).unwrap()).len(), 2);
    assert_eq!(given_names(&f.roster.search("zoë mu", 20).unwrap()), ["Zoë"]);
    assert_eq!(given_names(&f.roster.search("muller", 20).unwrap()), ["Zoë"]);
    assert_eq!(given_names(&f.roster.search("JOSE GARC", 20).unwrap()), ["José"]);
    // Decomposed: e + combining diaeresis.
    assert_eq!(
        given_names(&f.roster.search("Zoe\u{308} M", 20).unwrap()),
        ["Zoë"]
    );
}

#[test]
fn hostile_search_input_never_errors() {
    let f = roster_of(&[("Megan", "Bowen"), ("O'Brien", "Near"), ("Anne-Marie", "Or")]);
    let ten_kb = "megan ".repeat(2_000);
    let hostile = [
        "\"",
        "\"\"",
        "\"megan",
        "megan\"",
        "*",
        "**",
        "m*",
        "*m",
        "-",
        "-x",
        "-megan",
        "NEAR(",
        "NEAR(megan bowen)",
        "NEAR",
        "megan NEAR/2 bowen",
        "a:b",
        "given_name:megan",
        "search_text:megan",
        "{search_text}: m",
        "^megan",
        "megan AND",
        "OR",
        "megan OR bowen",
        "NOT megan",
        "(",
        ")",
        "megan)",
        "+",
        "'",
        "o'brien",
        "anne-marie",
        "\0",
        "meg\0an",
        "\u{202e}nagem",
        "🙂",
        "メーガン",
        "𝔪𝔢𝔤𝔞𝔫",
        "\u{fffd}",
        "\\",
        "%",
        "_",
        "';DROP TABLE roster_people;--",
        ten_kb.as_str(),
    ];
    for text in hostile {
        let found = f.roster.search(text, 20);
        assert!(found.is_ok(), "{text:?}: {found:?}");
    }
    assert_eq!(given_names(&f.roster.search("o'brien", 20).unwrap()), ["O'Brien"]);
    assert_eq!(
        given_names(&f.roster.search("anne-mar", 20).unwrap()),
        ["Anne-Marie"]
    );
    assert_eq!(given_names(&f.roster.search("NEAR(", 20).unwrap()), ["O'Brien"]);
    assert_eq!(given_names(&f.roster.search("OR", 20).unwrap()), ["Anne-Marie"]);
    assert_eq!(given_names(&f.roster.search(&ten_kb, 20).unwrap()), ["Megan"]);
    assert_eq!(f.roster.count().unwrap(), 3);
}

#[test]
fn blank_input_finds_nobody_and_the_limit_holds() {
    let f = fixture();
    assert!(import(&f.roster, csv(&attendees(300)), &[]).succeeded());
    for blank in ["", " ", "\t\n ", "- * \""] {
        assert!(f.roster.search(blank, 20).unwrap().is_empty(), "{blank:?}");
    }
    assert_eq!(
        f.roster.search("contoso fabrikam northwind", 20).unwrap().len(),
        0
    );
    let all = f.roster.search("a", 1_000).unwrap();
    assert_eq!(all.len(), 200, "capped at MAX_SEARCH_LIMIT");
    assert_eq!(f.roster.search("a", 5).unwrap().len(), 5);
    assert!(f.roster.search("a", 0).unwrap().is_empty());
}

#[test]
fn a_single_letter_lists_the_roster_in_its_order() {
    let f = roster_of(&[("Zack", "Bowen"), ("Megan", "Bowen"), ("Bob", "Bo")]);
    assert_eq!(
        given_names(&f.roster.search("b", 20).unwrap()),
        ["Zack", "Megan", "Bob"]
    );
    // From the second letter on, bm25: two 'bo' words beat one.
    assert_eq!(given_names(&f.roster.search("bo", 20).unwrap())[0], "Bob");
}

#[test]
fn a_better_match_ranks_first() {
    let f = roster_of(&[("Bowen", "Megan-Bowen"), ("Alex", "Bowen"), ("Ray", "Smith")]);
    let found = f.roster.search("bowen", 20).unwrap();
    assert_eq!(
        given_names(&found),
        ["Bowen", "Alex"],
        "two 'bowen's rank above one"
    );
}

#[test]
fn issued_templates_are_the_jobs_the_once_only_rule_counts() {
    let f = roster_of(&[("Megan", "Bowen"), ("Alex", "Wilber")]);
    let megan = f.roster.search("megan", 1).unwrap().remove(0);
    assert!(megan.issued_templates.is_empty());
    let connection = f.database.connect(Durability::Normal).unwrap();
    for (job, template, status, reason) in [
        ("j1", "badge", "done", None),
        ("j2", "staff", "failed", None),
        ("j3", "vo-badge", "queued", None),
        ("j4", "sd-jwt-badge", "cancelled", None),
        ("j5", "badge", "done", Some("lost phone")),
        ("j6", "vo-staff", "uncertain", None),
        // Like the index jobs_issued_once, an override alone does not
        // count: the queue would take a new job for this template.
        ("j7", "staff", "done", Some("reprint")),
    ] {
        connection
            .execute(
                "INSERT INTO jobs (job_id, template, service, route, person_id, status, override_reason, created_at_ms, updated_at_ms)
                 VALUES (?1, ?2, 'sandbox', 'desk', ?3, ?4, ?5, 1, 1)",
                rusqlite::params![job, template, megan.person_id, status, reason],
            )
            .unwrap();
    }
    let megan = f.roster.search("megan", 1).unwrap().remove(0);
    assert_eq!(megan.issued_templates, ["badge", "vo-badge", "vo-staff"]);
    assert_eq!(f.roster.person(megan.person_id).unwrap().unwrap(), megan);
    assert!(f.roster.search("alex", 1).unwrap()[0].issued_templates.is_empty());
    assert_eq!(f.roster.person(999_999).unwrap(), None);
    let json = serde_json::to_value(&megan).unwrap();
    assert_eq!(
        json["issuedTemplates"],
        serde_json::json!(["badge", "vo-badge", "vo-staff"])
    );
    assert_eq!(json["personId"], serde_json::json!(megan.person_id));
}

#[test]
fn the_database_file_holds_no_imported_name_in_plain_text() {
    let f = fixture();
    let name = "Quintessa";
    assert!(import(
        &f.roster,
        format!("given_name,family_name\n{name},Vanderbilt\n"),
        &[]
    )
    .succeeded());
    assert_eq!(f.roster.search("quint", 1).unwrap().len(), 1);
    let path = f.database.path();
    let mut files = vec![path.to_path_buf()];
    files.push(path.with_file_name(format!("{}-wal", path.file_name().unwrap().to_string_lossy())));
    let mut checked = 0;
    for file in files.iter().filter(|p| p.exists()) {
        let bytes = std::fs::read(file).unwrap();
        for needle in [name, "quintessa", "Vanderbilt", "vanderbilt"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} in {}",
                file.display()
            );
        }
        checked += bytes.len();
    }
    assert!(checked > 0);
}
