//! A real secret through the OS keyring (the Secret Service on Linux).
//!
//! Ignored by default: it needs a running, unlocked Secret Service. The test
//! command runs it inside `dbus-run-session` with `gnome-keyring-daemon`.

use station_core::secrets::{resolve, KeyringStore, Secret, SecretStore};

#[test]
#[ignore = "needs a Secret Service; run by scripts/test.sh under dbus-run-session"]
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
