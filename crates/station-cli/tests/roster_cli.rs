//! `station roster import` and `station roster search` as a user runs them,
//! on the sandbox's templates and a database keyed from the environment.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::path::Path;
use std::process::{Command, Output};

/// A station directory: its config, its data and the CSV files written in it.
struct Station {
    dir: tempfile::TempDir,
}

impl Station {
    fn new() -> Station {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("station.toml"), "[station]\nuse_sandbox = true\n").unwrap();
        Station { dir }
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    fn run(&self, args: &[&str]) -> Output {
        let dir: &Path = self.dir.path();
        Command::new(env!("CARGO_BIN_EXE_station"))
            .args(args)
            .env("STATION_CONFIG", dir.join("station.toml"))
            .env("STATION_DATA_DIR", dir.join("data"))
            // The database key, so the test needs no OS keyring.
            .env("STATION_SECRET_DATABASE_KEY", "5e".repeat(32))
            // Never the sandbox of a station someone left running.
            .env("STATION_SANDBOX_URL", "http://127.0.0.1:9")
            .output()
            .unwrap()
    }
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn an_imported_file_is_found_as_you_type() {
    let station = Station::new();
    let csv = station.file(
        "attendees.csv",
        "Ticket,First name,Last name,Company,Diet\nT1,Megan,Bowen,Contoso,vegan\nT2,Zoë,Müller,Fabrikam,\n",
    );
    let output = station.run(&[
        "roster",
        "import",
        &csv,
        "--template",
        "badge",
        "--map",
        "Ticket=id",
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("Imported 2 people for template 'badge' from attendees.csv."),
        "{stdout}"
    );
    assert!(
        stdout.contains("Ignored columns (they fill no claim): Diet"),
        "{stdout}"
    );

    let output = station.run(&["roster", "search", "meg", "bo"]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("T1"), "{stdout}");
    assert!(
        stdout.contains("company: Contoso, family_name: Bowen, given_name: Megan"),
        "{stdout}"
    );
    assert!(!stdout.contains("Müller"), "{stdout}");

    let output = station.run(&["roster", "search", "zoe"]);
    assert!(text(&output).0.contains("given_name: Zoë"), "{:?}", text(&output));

    let output = station.run(&["roster", "search", "nobody"]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success());
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("Nobody in the roster (2 people) matches."),
        "{stderr}"
    );
}

#[test]
fn a_file_with_bad_rows_imports_nothing_and_lists_them() {
    let station = Station::new();
    let csv = station.file(
        "bad.csv",
        "id,given_name,family_name\nA1,Megan,Bowen\nA2,,Wilber\nA3,Alex\nA1,Megan,Bowen\n",
    );
    let output = station.run(&["roster", "import", &csv, "--template", "badge"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("Nothing was imported from bad.csv:"), "{stdout}");
    assert!(
        stdout.contains("line 3: the required claim 'given_name' (First name) is empty; fill it in"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 4: it has 2 fields where the header has 3"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 5: the id 'A1' is also on line 2"),
        "{stdout}"
    );
    assert!(
        stderr.contains("nothing was imported; fix what is listed above and import bad.csv again"),
        "{stderr}"
    );

    let output = station.run(&["roster", "search", "megan"]);
    assert!(text(&output)
        .1
        .contains("Nobody in the roster (0 people) matches."));
}

#[test]
fn a_mapping_or_template_that_cannot_be_used_is_named() {
    let station = Station::new();
    let csv = station.file("people.csv", "given_name,family_name\nMegan,Bowen\n");
    for (args, expected) in [
        (
            &["--template", "checkin"][..],
            "'checkin' checks credentials, it does not issue them; import for an issuance template: badge",
        ),
        (&["--template", "nope"][..], "there is no template 'nope'"),
        (
            &["--template", "badge", "--map", "Surname"][..],
            "write it as column=claim",
        ),
        (
            &["--template", "badge", "--map", "Surname=family_name"][..],
            "it has no column 'Surname'",
        ),
    ] {
        let output = station.run(&[&["roster", "import", &csv][..], args].concat());
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stdout}\n{stderr}");
        assert!(
            format!("{stdout}{stderr}").contains(expected),
            "{args:?}: {stdout}\n{stderr}"
        );
    }
}
