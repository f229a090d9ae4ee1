//! The roster on a real encrypted database: CSV import (all or nothing,
//! with a report that says what to fix), search as you type, and the
//! issued marks from the outbox.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use station_core::roster::{ColumnMapping, ImportProblem, ImportReport, Problem, Roster, RosterPerson};
use station_core::secrets::MemoryStore;
use station_core::store::Database;
use station_testkit::roster::badge_template;

struct Fixture {
    roster: Roster,
    database: Database,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::open(dir.path(), &MemoryStore::default()).unwrap();
    Fixture {
        roster: Roster::new(database.clone()),
        database,
        _dir: dir,
    }
}

fn import(roster: &Roster, text: impl AsRef<[u8]>, pairs: &[&str]) -> ImportReport {
    let mapping = ColumnMapping::parse(pairs).unwrap();
    roster
        .import(text.as_ref(), "people.csv", &badge_template(), &mapping)
        .unwrap()
}

fn row(line: u64, problem: Problem) -> ImportProblem {
    ImportProblem {
        line: Some(line),
        problem,
    }
}

fn file(problem: Problem) -> ImportProblem {
    ImportProblem { line: None, problem }
}

fn given_names(people: &[RosterPerson]) -> Vec<&str> {
    people.iter().map(|p| p.claims["given_name"].as_str()).collect()
}

mod import;
mod search;
