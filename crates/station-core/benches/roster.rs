//! The roster at event size: importing 100,000 people (target ≤ 3 s) and
//! searching them as staff type (target p99 ≤ 5 ms), with issued marks for
//! a tenth of them in the outbox. Prints numbers, asserts none.
//! `cargo bench -p station-core --bench roster` (ROSTER_ROWS=n, default
//! 100000; ROSTER_QUERIES=n, default 2000).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use station_core::roster::{ColumnMapping, Roster, DEFAULT_SEARCH_LIMIT};
use station_core::secrets::MemoryStore;
use station_core::store::{Database, Durability};
use station_testkit::roster::{as_typed, attendees, badge_template, csv};

/// Every this many people have had a badge issued.
const ISSUED_EVERY: usize = 10;

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let rows = env_count("ROSTER_ROWS", 100_000);
    let queries = env_count("ROSTER_QUERIES", 2_000);
    let people = attendees(rows);
    let text = csv(&people);
    let dir = tempfile::tempdir().unwrap();
    let database = Database::open(dir.path(), &MemoryStore::default()).unwrap();
    let roster = Roster::new(database.clone());

    let started = Instant::now();
    let report = roster
        .import(
            text.as_bytes(),
            "bench.csv",
            &badge_template(),
            &ColumnMapping::default(),
        )
        .unwrap();
    let import_secs = started.elapsed().as_secs_f64();
    assert!(report.succeeded(), "{:?}", &report.problems[..1]);
    println!(
        "roster import: {rows} rows ({:.1} MB of CSV) in {import_secs:.2} s",
        text.len() as f64 / 1e6
    );

    let jobs = issue_every_tenth(&database);

    let mut random = StdRng::seed_from_u64(7);
    let typed: Vec<String> = (0..queries)
        .map(|_| {
            let prefixes = as_typed(&people[random.gen_range(0..people.len())]);
            prefixes[random.gen_range(0..prefixes.len())].clone()
        })
        .collect();
    for warm_up in typed.iter().take(100) {
        roster.search(warm_up, DEFAULT_SEARCH_LIMIT).unwrap();
    }
    let mut all = Vec::with_capacity(queries);
    let mut one_letter = Vec::new();
    let mut found = 0;
    for text in &typed {
        let started = Instant::now();
        let people = roster.search(text, DEFAULT_SEARCH_LIMIT).unwrap();
        let millis = started.elapsed().as_secs_f64() * 1000.0;
        found += usize::from(!people.is_empty());
        all.push(millis);
        if text.chars().count() == 1 {
            one_letter.push(millis);
        }
    }
    assert_eq!(
        found, queries,
        "every prefix of a name in the roster finds someone"
    );
    let (p50, p99, max) = percentiles(&mut all);
    println!(
        "roster search: p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms over {queries} queries ({rows} rows, {jobs} jobs, limit {DEFAULT_SEARCH_LIMIT})"
    );
    if !one_letter.is_empty() {
        let count = one_letter.len();
        let (p50, p99, max) = percentiles(&mut one_letter);
        println!(
            "  of which one letter: p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms over {count} queries"
        );
    }
}

/// A job in the outbox for every tenth person, so that each search also
/// finds issued marks.
fn issue_every_tenth(database: &Database) -> usize {
    let mut connection = database.connect(Durability::Normal).unwrap();
    let transaction = connection.transaction().unwrap();
    let person_ids: Vec<i64> = {
        let mut statement = transaction
            .prepare("SELECT person_id FROM roster_people")
            .unwrap();
        let ids = statement.query_map([], |row| row.get(0)).unwrap();
        ids.step_by(ISSUED_EVERY).map(Result::unwrap).collect()
    };
    {
        let mut insert = transaction
            .prepare(
                "INSERT INTO jobs (job_id, template, service, route, person_id, status, created_at_ms, updated_at_ms)
                 VALUES (?1, 'badge', 'sandbox', 'desk', ?2, 'done', 1, 1)",
            )
            .unwrap();
        for id in &person_ids {
            insert
                .execute(rusqlite::params![format!("job-{id}"), id])
                .unwrap();
        }
    }
    transaction.commit().unwrap();
    person_ids.len()
}

fn percentiles(samples: &mut [f64]) -> (f64, f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    (at(0.5), at(0.99), samples[samples.len() - 1])
}
