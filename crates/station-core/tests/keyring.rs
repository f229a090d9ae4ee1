//! A real secret through the OS keyring (the Secret Service on Linux).
//!
//! It needs a running, unlocked Secret Service, as every test that starts a
//! station does (the database key lives there): scripts/test.sh runs the
//! tests inside `dbus-run-session` with `gnome-keyring-daemon`.

use station_core::secrets::{resolve, KeyringStore, Secret, SecretStore};

#[test]
fn a_secret_round_trips_through_the_os_keyring() {
    let service = format!("keyring-test-{}", std::process::id());
    let store = KeyringStore;
    assert!(
        store.get(&service).unwrap().is_none(),
        "a fresh service has no secret"
    );
    store.set(&service, &Secret::new("client-secret-value")).unwrap();
    assert_eq!(resolve(&store, &service).unwrap().expose(), "client-secret-value");
    store.set(&service, &Secret::new("rotated-value")).unwrap();
    assert_eq!(store.get(&service).unwrap().unwrap().expose(), "rotated-value");
}

#[test]
fn the_database_key_is_made_in_the_os_keyring_and_reopens_the_database() {
    use station_core::store::database::key_entry;
    use station_core::store::{Database, Durability};
    let dir = tempfile::tempdir().unwrap();
    let database = Database::open(dir.path(), &KeyringStore).unwrap();
    database
        .connect(Durability::Full)
        .unwrap()
        .execute_batch("INSERT INTO audit (at_ms, actor, action) VALUES (1, 'staff', 'imported')")
        .unwrap();
    drop(database);
    let entry = key_entry(dir.path()).unwrap();
    let key = KeyringStore
        .get(&entry)
        .unwrap()
        .expect("the key is in the keyring");
    assert_eq!(key.expose().len(), 64);
    let reopened = Database::open(dir.path(), &KeyringStore).unwrap();
    assert_eq!(reopened.repair(), None, "the keyring's key opens the file");
    let rows: i64 = reopened
        .connect(Durability::Normal)
        .unwrap()
        .query_row("SELECT count(*) FROM audit", [], |row| row.get(0))
        .unwrap();
    assert_eq!(rows, 1);
}
