//! The database at rest: encrypted whole, unreadable without the key,
//! private to its owner, and never a reason for the station not to start.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is the test failing

use std::path::Path;
use std::time::SystemTime;

use rusqlite::Connection;
use station_core::secrets::{MemoryStore, Secret, SecretStore};
use station_core::store::database::key_entry;
use station_core::store::{Database, Durability, History, Record, Repair, DATABASE_FILE};

const NAME: &str = "Megan Bowen";

fn jpeg() -> Vec<u8> {
    let image = image::RgbImage::from_fn(64, 64, |x, y| image::Rgb([x as u8 * 4, y as u8 * 4, 90]));
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Jpeg)
        .unwrap();
    bytes
}

/// A history row with the name and a job row with the name and a photo.
fn write_personal_data(database: &Database, photo: &[u8]) {
    let history = History::open(database).unwrap();
    history.record(Record::FlowStarted {
        flow_id: "flow-1".into(),
        kind: "issuance",
        template: "badge".into(),
        service: "desk".into(),
        claims: format!(r#"{{"name":"{NAME}"}}"#),
        at: SystemTime::now(),
    });
    history.flush();
    let connection = database.connect(Durability::Full).unwrap();
    connection
        .execute(
            "INSERT INTO jobs (job_id, template, service, route, claims, photo, recipient, status, created_at_ms, updated_at_ms)
             VALUES ('job-1', 'badge', 'desk', 'desk', ?1, ?2, ?3, 'queued', 0, 0)",
            rusqlite::params![format!(r#"{{"name":"{NAME}"}}"#), photo, NAME],
        )
        .unwrap();
}

/// Everything SQLite keeps for the database: the file and its WAL.
fn bytes_on_disk(dir: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(DATABASE_FILE)
        {
            all.extend(std::fs::read(path).unwrap());
        }
    }
    all
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[test]
fn the_file_holds_no_name_and_no_photo_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::open(dir.path(), &MemoryStore::default()).unwrap();
    let photo = jpeg();
    write_personal_data(&database, &photo);
    let disk = bytes_on_disk(dir.path());
    assert!(disk.len() > 4096, "the database was written");
    assert!(
        !contains(&disk, NAME.as_bytes()),
        "the name is in the file in plain text"
    );
    // The JPEG's start-of-image marker and header, and a run from its middle.
    assert!(
        !contains(&disk, &photo[..16]),
        "the photo's header is in the file"
    );
    let middle = photo.len() / 2;
    assert!(
        !contains(&disk, &photo[middle..middle + 32]),
        "the photo's bytes are in the file"
    );
    assert!(
        !contains(&disk, b"SQLite format 3"),
        "the file has a plain SQLite header"
    );
}

#[test]
fn without_the_key_the_file_does_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::open(dir.path(), &MemoryStore::default()).unwrap();
    write_personal_data(&database, &jpeg());
    let path = database.path().to_path_buf();
    drop(database);

    let plain = Connection::open(&path).unwrap();
    let error = plain
        .query_row("SELECT count(*) FROM jobs", [], |row| row.get::<_, i64>(0))
        .unwrap_err();
    assert!(error.to_string().contains("not a database"), "{error}");

    let wrong = Connection::open(&path).unwrap();
    wrong
        .execute_batch(&format!("PRAGMA key = \"x'{}'\";", "ab".repeat(32)))
        .unwrap();
    assert!(wrong
        .query_row("SELECT count(*) FROM jobs", [], |row| row.get::<_, i64>(0))
        .is_err());
}

#[test]
fn the_key_lives_in_the_key_store_and_reopens_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryStore::default();
    let database = Database::open(dir.path(), &keys).unwrap();
    write_personal_data(&database, &jpeg());
    drop(database);
    let key = keys
        .get(&key_entry(dir.path()).unwrap())
        .unwrap()
        .expect("a key was stored");
    assert_eq!(key.expose().len(), 64);

    let reopened = Database::open(dir.path(), &keys).unwrap();
    assert_eq!(reopened.repair(), None);
    let connection = reopened.connect(Durability::Normal).unwrap();
    let recipient: String = connection
        .query_row("SELECT recipient FROM jobs", [], |row| row.get(0))
        .unwrap();
    assert_eq!(recipient, NAME);
}

#[cfg(unix)]
#[test]
fn the_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("data");
    let database = Database::open(&dir, &MemoryStore::default()).unwrap();
    write_personal_data(&database, &jpeg());
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
}

#[test]
fn a_plain_database_from_before_encryption_is_encrypted_with_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    {
        // What an earlier station left: schema version 1, in the clear.
        let plain = Connection::open(&path).unwrap();
        plain.pragma_update(None, "journal_mode", "WAL").unwrap();
        plain
            .execute_batch(include_str!("../src/store/migrations/001_history.sql"))
            .unwrap();
        plain.pragma_update(None, "user_version", 1).unwrap();
        plain
            .execute(
                "INSERT INTO flows (flow_id, kind, template, service, claims, started_at_ms) VALUES ('old', 'issuance', 'badge', 'desk', ?1, 1)",
                [format!(r#"{{"name":"{NAME}"}}"#)],
            )
            .unwrap();
    }
    let database = Database::open(dir.path(), &MemoryStore::default()).unwrap();
    assert_eq!(database.repair(), Some(&Repair::Encrypted));
    assert_eq!(
        database.schema_version().unwrap(),
        History::latest_schema_version()
    );
    let history = History::open(&database).unwrap();
    assert_eq!(
        history.flow("old").unwrap().unwrap().claims,
        format!(r#"{{"name":"{NAME}"}}"#)
    );
    drop(history);
    let disk = bytes_on_disk(dir.path());
    assert!(!contains(&disk, NAME.as_bytes()), "a plain copy was left behind");
    assert!(!dir.path().join(format!("{DATABASE_FILE}.encrypting")).exists());
}

fn moved_aside(repair: Option<&Repair>) -> (String, String, Vec<(String, u64)>) {
    match repair {
        Some(Repair::MovedAside {
            moved_to,
            reason,
            salvaged,
        }) => (moved_to.clone(), reason.clone(), salvaged.clone()),
        other => panic!("expected the file to be moved aside, got {other:?}"),
    }
}

#[test]
fn a_file_that_is_not_a_database_is_moved_aside_and_a_fresh_one_started() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryStore::default();
    drop(Database::open(dir.path(), &keys).unwrap());
    std::fs::write(dir.path().join(DATABASE_FILE), vec![0x5a; 64 * 1024]).unwrap();

    let database = Database::open(dir.path(), &keys).unwrap();
    let (moved_to, reason, salvaged) = moved_aside(database.repair());
    assert!(
        moved_to.contains(&format!("{DATABASE_FILE}.damaged-")),
        "{moved_to}"
    );
    assert!(
        Path::new(&moved_to).exists(),
        "the damaged file is kept for a closer look"
    );
    assert!(reason.contains("cannot be read"), "{reason}");
    assert!(salvaged.is_empty());
    let notice = database.repair().unwrap().describe();
    assert!(
        notice.contains(&moved_to) && notice.contains("0 rows"),
        "{notice}"
    );
    let log = station_core::store::audit::entries(&database.connect(Durability::Normal).unwrap()).unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(
        (log[0].actor.as_str(), log[0].action.as_str()),
        ("station", "repaired")
    );
    assert_eq!(log[0].subject.as_deref(), Some(moved_to.as_str()));
    assert_eq!(log[0].detail.as_deref(), Some(notice.as_str()));
    // The fresh database works.
    write_personal_data(&database, &jpeg());
}

#[test]
fn damaged_pages_cost_their_rows_and_no_others() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryStore::default();
    let flows = 3000;
    {
        let database = Database::open(dir.path(), &keys).unwrap();
        let mut connection = database.connect(Durability::Normal).unwrap();
        let transaction = connection.transaction().unwrap();
        for n in 0..flows {
            transaction
                .execute(
                    "INSERT INTO flows (flow_id, kind, template, service, claims, started_at_ms) VALUES (?1, 'issuance', 'badge', 'desk', ?3, ?2)",
                    // Rows this wide make the flows table most of the file,
                    // so the page scribbled over below is one of its pages.
                    rusqlite::params![format!("flow-{n:05}"), n, "x".repeat(1000)],
                )
                .unwrap();
        }
        transaction.commit().unwrap();
        connection
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
    }
    // Scribble over a few pages in the middle of the file: the flows'
    // index pages lie between their rows' pages, so a single page could
    // be an index page, which costs no row.
    let path = dir.path().join(DATABASE_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    let middle = (bytes.len() / page / 2) * page;
    bytes[middle..middle + 4 * page].fill(0xa5);
    std::fs::write(&path, bytes).unwrap();

    let database = Database::open(dir.path(), &keys).unwrap();
    let (_, _, salvaged) = moved_aside(database.repair());
    let carried = salvaged
        .iter()
        .find(|(table, _)| table == "flows")
        .map(|(_, rows)| *rows)
        .unwrap_or(0);
    assert!(carried > 0, "no flow was carried over: {salvaged:?}");
    assert!(
        carried < flows,
        "the damaged pages' rows cannot have been read: {salvaged:?}"
    );
    let history = History::open(&database).unwrap();
    assert_eq!(history.recent(usize::MAX).unwrap().len() as u64, carried);
}

#[test]
fn a_lost_key_moves_the_file_aside_instead_of_stopping_the_station() {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::open(dir.path(), &MemoryStore::default()).unwrap();
    write_personal_data(&database, &jpeg());
    drop(database);

    let database = Database::open(dir.path(), &MemoryStore::default()).unwrap();
    let (moved_to, reason, _) = moved_aside(database.repair());
    assert!(reason.contains("key"), "{reason}");
    assert!(Path::new(&moved_to).exists());
}

#[test]
fn a_malformed_stored_key_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryStore::default();
    keys.set(&key_entry(dir.path()).unwrap(), &Secret::new("hunter2"))
        .unwrap();
    let error = Database::open(dir.path(), &keys).err().unwrap();
    assert!(error.to_string().contains("64 hexadecimal digits"), "{error}");
    assert!(!error.to_string().contains("hunter2"));
}
