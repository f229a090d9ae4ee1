//! The history database: migrations on a real temporary SQLite file.

use std::time::{Duration, SystemTime};

use station_core::secrets::MemoryStore;
use station_core::store::{Database, History, Record};

#[test]
fn a_new_database_is_migrated_and_reopening_is_harmless() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryStore::default();
    let history = History::open(&Database::open(dir.path(), &keys).unwrap()).unwrap();
    assert_eq!(
        history.schema_version().unwrap(),
        History::latest_schema_version()
    );
    drop(history);
    let database = Database::open(dir.path(), &keys).unwrap();
    assert_eq!(database.repair(), None);
    let reopened = History::open(&database).unwrap();
    assert_eq!(
        reopened.schema_version().unwrap(),
        History::latest_schema_version()
    );
}

#[test]
fn records_come_back_as_summaries_and_timelines() {
    let dir = tempfile::tempdir().unwrap();
    let history = History::open(&Database::open(dir.path(), &MemoryStore::default()).unwrap()).unwrap();
    let start = SystemTime::now();
    history.record(Record::FlowStarted {
        flow_id: "f1".into(),
        kind: "issuance",
        template: "badge".into(),
        service: "sandbox".into(),
        claims: r#"{"given_name":"Megan"}"#.into(),
        at: start,
    });
    history.record(Record::RequestCreated {
        flow_id: "f1".into(),
        request_id: "r1".into(),
        url: "openid-vc://?request_uri=x".into(),
        at: start,
        expires_at: start + Duration::from_secs(300),
    });
    history.record(Record::Event {
        flow_id: "f1".into(),
        request_id: "r1".into(),
        event: "failed",
        code: Some("badOrMissingField".into()),
        message: Some("issuance_service_error".into()),
        ignored: false,
        at: start + Duration::from_millis(5),
    });
    history.record(Record::FlowEnded {
        flow_id: "f1".into(),
        outcome: "failed",
        code: Some("badOrMissingField".into()),
        message: None,
        at: start + Duration::from_millis(6),
    });
    history.flush();

    let recent = history.recent(10).unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].outcome.as_deref(), Some("failed"));
    assert_eq!(recent[0].outcome_code.as_deref(), Some("badOrMissingField"));
    let timeline = history.timeline("f1").unwrap();
    assert_eq!(
        timeline.iter().map(|e| e.what.as_str()).collect::<Vec<_>>(),
        ["created", "failed"]
    );
    assert_eq!(timeline[1].code.as_deref(), Some("badOrMissingField"));
    assert!(history.flow("nope").unwrap().is_none());
}

#[test]
fn an_unwritable_data_dir_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let error = Database::open(&file.join("sub"), &MemoryStore::default())
        .err()
        .unwrap();
    assert!(error.to_string().contains("STATION_DATA_DIR"), "{error}");
}
