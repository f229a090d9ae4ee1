//! The staff gate against a real (encrypted) database file: the right PIN
//! unlocks, wrong ones slow down and lock out, the count outlives the
//! process, an idle session locks, and the audit log records all of it
//! without ever holding a PIN.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is the test failing

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use station_core::config::StaffConfig;
use station_core::secrets::MemoryStore;
use station_core::staff::{
    AttemptPolicy, Clock, GateSettings, GateState, PinHash, StaffError, StaffGate, StaffPin,
};
use station_core::store::audit::{self, AuditEntry};
use station_core::store::{Database, Durability};

const PIN: &str = "4826";
const WRONG: [&str; 5] = ["1111", "2222", "3333", "4444", "5555"];

/// Time that moves only when the test says so.
struct FakeClock {
    wall: SystemTime,
    start: Instant,
    elapsed: Mutex<Duration>,
}

impl FakeClock {
    fn new() -> Arc<FakeClock> {
        Arc::new(FakeClock {
            wall: SystemTime::now(),
            start: Instant::now(),
            elapsed: Mutex::new(Duration::ZERO),
        })
    }

    fn advance(&self, by: Duration) {
        *self.elapsed.lock().unwrap() += by;
    }
}

impl Clock for FakeClock {
    fn now(&self) -> SystemTime {
        self.wall + *self.elapsed.lock().unwrap()
    }

    fn instant(&self) -> Instant {
        self.start + *self.elapsed.lock().unwrap()
    }
}

fn settings(kiosk: bool) -> GateSettings {
    GateSettings {
        staff: StaffConfig {
            pin_hash: Some(PinHash::of(&StaffPin::new(PIN).unwrap()).unwrap()),
            idle_lock: Duration::from_secs(120),
            attempts: AttemptPolicy {
                max_tries: 5,
                lockout: Duration::from_secs(300),
                first_delay: Duration::from_secs(1),
            },
        },
        kiosk,
    }
}

fn open(dir: &Path, keys: &MemoryStore) -> Database {
    Database::open(dir, keys).unwrap()
}

fn staff_entries(database: &Database) -> Vec<AuditEntry> {
    let connection = database.connect(Durability::Normal).unwrap();
    audit::entries(&connection)
        .unwrap()
        .into_iter()
        .filter(|e| e.action.starts_with("staff_"))
        .collect()
}

fn actions(database: &Database) -> Vec<String> {
    staff_entries(database).into_iter().map(|e| e.action).collect()
}

#[test]
fn the_right_pin_unlocks_and_lock_closes_again() {
    let dir = tempfile::tempdir().unwrap();
    let database = open(dir.path(), &MemoryStore::default());
    let gate = StaffGate::new(FakeClock::new());
    let settings = settings(true);

    assert!(matches!(
        gate.require(&settings, Some(&database)),
        Err(StaffError::Locked)
    ));
    assert!(!gate.is_open(&settings));
    assert_eq!(
        gate.status(&settings, Some(&database)).unwrap().state,
        GateState::Locked
    );

    let status = gate.unlock(&settings, &database, PIN).unwrap();
    assert_eq!(status.state, GateState::Unlocked);
    assert_eq!(status.locks_in_ms, Some(120_000));
    assert!(gate.is_open(&settings));
    gate.require(&settings, Some(&database)).unwrap();

    gate.lock(Some(&database)).unwrap();
    assert!(matches!(
        gate.require(&settings, Some(&database)),
        Err(StaffError::Locked)
    ));
    assert_eq!(actions(&database), ["staff_unlocked", "staff_locked"]);
    let locked = &staff_entries(&database)[1];
    assert_eq!(
        (locked.actor.as_str(), locked.detail.as_deref()),
        ("staff", Some("locked by staff"))
    );
}

#[test]
fn wrong_pins_wait_longer_each_time_then_lock_out_until_the_lockout_ends() {
    let dir = tempfile::tempdir().unwrap();
    let database = open(dir.path(), &MemoryStore::default());
    let clock = FakeClock::new();
    let gate = StaffGate::new(clock.clone());
    let settings = settings(true);

    let mut waits = Vec::new();
    for (n, wrong) in WRONG.iter().take(4).enumerate() {
        match gate.unlock(&settings, &database, wrong) {
            Err(StaffError::WrongPin { tries_left, wait }) => {
                assert_eq!(tries_left, 4 - n as u32);
                waits.push(wait.as_secs());
            }
            other => panic!("wrong PIN {n}: {other:?}"),
        }
        // Trying again at once is refused without checking, even the right PIN.
        let error = gate.unlock(&settings, &database, PIN).unwrap_err();
        assert!(matches!(error, StaffError::TooSoon { .. }), "{error:?}");
        assert_eq!(
            error.to_string(),
            format!("wait {} s before trying the staff PIN again", waits[n])
        );
        let status = gate.status(&settings, Some(&database)).unwrap();
        assert_eq!(status.wait_ms, waits[n] * 1000);
        clock.advance(Duration::from_secs(waits[n]));
    }
    assert_eq!(waits, [1, 2, 4, 8]);

    let error = gate.unlock(&settings, &database, WRONG[4]).unwrap_err();
    assert!(matches!(error, StaffError::LockedOut { remaining } if remaining == Duration::from_secs(300)));
    assert_eq!(
        error.to_string(),
        "too many wrong staff PINs: the PIN can be tried again in 5 min"
    );
    clock.advance(Duration::from_secs(299));
    let error = gate.unlock(&settings, &database, PIN).unwrap_err();
    assert!(
        matches!(error, StaffError::LockedOut { remaining } if remaining == Duration::from_secs(1)),
        "{error:?}"
    );
    assert_eq!(
        gate.status(&settings, Some(&database)).unwrap().locked_out_ms,
        1000
    );

    clock.advance(Duration::from_secs(1));
    let status = gate.status(&settings, Some(&database)).unwrap();
    assert_eq!((status.locked_out_ms, status.tries_left), (0, 5));
    assert_eq!(
        gate.unlock(&settings, &database, PIN).unwrap().state,
        GateState::Unlocked
    );

    let mut expected = vec!["staff_wrong_pin"; 5];
    expected.extend(["staff_locked_out", "staff_unlocked"]);
    assert_eq!(actions(&database), expected);
    let entries = staff_entries(&database);
    assert_eq!(
        entries[4].detail.as_deref(),
        Some("wrong staff PIN, 5 of 5 in a row")
    );
    assert_eq!(
        entries[5].detail.as_deref(),
        Some("no staff PIN is tried for 300 s after 5 wrong in a row")
    );
    for entry in &entries {
        let text = format!("{entry:?}");
        for pin in WRONG.iter().chain([&PIN]) {
            assert!(!text.contains(pin), "the audit log holds a PIN: {text}");
        }
    }
}

#[test]
fn the_count_and_the_lockout_survive_reopening_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryStore::default();
    let clock = FakeClock::new();
    let settings = settings(true);
    {
        let database = open(dir.path(), &keys);
        let gate = StaffGate::new(clock.clone());
        for wrong in &WRONG[..2] {
            assert!(matches!(
                gate.unlock(&settings, &database, wrong),
                Err(StaffError::WrongPin { .. })
            ));
            clock.advance(Duration::from_secs(10));
        }
    }
    // A new process: a new gate on the same file.
    let database = open(dir.path(), &keys);
    let gate = StaffGate::new(clock.clone());
    assert_eq!(gate.status(&settings, Some(&database)).unwrap().tries_left, 3);
    for wrong in &WRONG[2..] {
        let _ = gate.unlock(&settings, &database, wrong);
        clock.advance(Duration::from_secs(10));
    }
    drop(database);
    let database = open(dir.path(), &keys);
    let gate = StaffGate::new(clock.clone());
    assert!(matches!(
        gate.unlock(&settings, &database, PIN),
        Err(StaffError::LockedOut { .. })
    ));
    assert!(gate.status(&settings, Some(&database)).unwrap().locked_out_ms > 0);
}

#[test]
fn an_idle_session_locks_by_itself_and_use_keeps_it_open() {
    let dir = tempfile::tempdir().unwrap();
    let database = open(dir.path(), &MemoryStore::default());
    let clock = FakeClock::new();
    let gate = StaffGate::new(clock.clone());
    let settings = settings(true);
    gate.unlock(&settings, &database, PIN).unwrap();

    clock.advance(Duration::from_secs(100));
    gate.require(&settings, Some(&database)).unwrap();
    clock.advance(Duration::from_secs(100));
    gate.activity(&settings, Some(&database));
    clock.advance(Duration::from_secs(100));
    let status = gate.status(&settings, Some(&database)).unwrap();
    assert_eq!(
        (status.state, status.locks_in_ms),
        (GateState::Unlocked, Some(20_000))
    );

    clock.advance(Duration::from_secs(20));
    assert!(!gate.is_open(&settings));
    assert!(matches!(
        gate.require(&settings, Some(&database)),
        Err(StaffError::Locked)
    ));
    assert_eq!(
        gate.status(&settings, Some(&database)).unwrap().state,
        GateState::Locked
    );
    let entries = staff_entries(&database);
    assert_eq!(actions(&database), ["staff_unlocked", "staff_locked"]);
    assert_eq!(entries[1].actor, "station");
    assert_eq!(
        entries[1].detail.as_deref(),
        Some("locked after 120 s without activity")
    );
}

#[test]
fn without_a_pin_a_desk_is_open_and_a_kiosk_stays_locked() {
    let dir = tempfile::tempdir().unwrap();
    let database = open(dir.path(), &MemoryStore::default());
    let gate = StaffGate::new(FakeClock::new());
    let desk = GateSettings::default();
    gate.require(&desk, Some(&database)).unwrap();
    assert!(gate.is_open(&desk));
    assert_eq!(
        gate.status(&desk, Some(&database)).unwrap().state,
        GateState::Open
    );

    let kiosk = GateSettings {
        kiosk: true,
        ..GateSettings::default()
    };
    let error = gate.require(&kiosk, Some(&database)).unwrap_err();
    assert!(matches!(error, StaffError::NoPin));
    assert!(error.to_string().contains("station staff set-pin"));
    assert!(matches!(
        gate.unlock(&kiosk, &database, PIN),
        Err(StaffError::NoPin)
    ));
    assert!(!gate.is_open(&kiosk));
    assert_eq!(
        gate.status(&kiosk, Some(&database)).unwrap().state,
        GateState::NoPin
    );
    assert!(actions(&database).is_empty());
}

#[test]
fn a_pin_that_breaks_the_rules_is_refused_without_counting() {
    let dir = tempfile::tempdir().unwrap();
    let database = open(dir.path(), &MemoryStore::default());
    let gate = StaffGate::new(FakeClock::new());
    let settings = settings(true);
    for bad in ["", "12", "12ab", "1234567890123"] {
        let error = gate.unlock(&settings, &database, bad).unwrap_err();
        assert!(matches!(error, StaffError::PinRules), "{bad}: {error:?}");
    }
    assert_eq!(gate.status(&settings, Some(&database)).unwrap().tries_left, 5);
    assert!(actions(&database).is_empty());
}

#[test]
fn the_staff_table_is_checked_with_its_defaults_and_bounds() {
    use station_core::config::StationConfig;
    let config = StationConfig::from_toml("[station]\nuse_sandbox = true\n", "test").unwrap();
    assert_eq!(config.staff, StaffConfig::default());
    assert_eq!(config.staff.idle_lock, Duration::from_secs(120));
    assert_eq!(config.staff.attempts.max_tries, 5);
    assert_eq!(config.staff.attempts.lockout, Duration::from_secs(300));

    let hash = PinHash::of(&StaffPin::new(PIN).unwrap()).unwrap();
    let text = format!(
        "[station]\nuse_sandbox = true\n[staff]\npin_hash = \"{}\"\nidle_lock_secs = 30\nmax_tries = 3\nlockout_secs = 60\ndelay_ms = 250\n",
        hash.as_str()
    );
    let staff = StationConfig::from_toml(&text, "test").unwrap().staff;
    assert!(staff.pin_hash.unwrap().matches(&StaffPin::new(PIN).unwrap()));
    assert_eq!(staff.idle_lock, Duration::from_secs(30));
    assert_eq!(
        staff.attempts,
        AttemptPolicy {
            max_tries: 3,
            lockout: Duration::from_secs(60),
            first_delay: Duration::from_millis(250)
        }
    );

    for (line, field, fix) in [
        ("pin_hash = \"4826\"", "staff.pin_hash", "station staff set-pin"),
        (
            "idle_lock_secs = 1",
            "staff.idle_lock_secs",
            "use 5 to 3600 seconds",
        ),
        ("max_tries = 0", "staff.max_tries", "use 1 to 20"),
        ("lockout_secs = 0", "staff.lockout_secs", "use 1 to 86400 seconds"),
        (
            "delay_ms = 600000",
            "staff.delay_ms",
            "use 0 to 60000 milliseconds",
        ),
        ("pin = \"4826\"", "pin", "unknown field"),
    ] {
        let error = StationConfig::from_toml(
            &format!("[station]\nuse_sandbox = true\n[staff]\n{line}\n"),
            "test",
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains(field) && error.contains(fix), "{line}: {error}");
        // The staff gate reads the table alone, with the same checks.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("station.toml");
        std::fs::write(&path, format!("[staff]\n{line}\n")).unwrap();
        assert!(StaffConfig::read(&path).is_err(), "{line}");
    }
}

#[test]
fn the_gate_reads_the_staff_table_even_when_the_rest_of_the_file_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    assert_eq!(StaffConfig::read(&path).unwrap(), StaffConfig::default());
    let hash = PinHash::of(&StaffPin::new(PIN).unwrap()).unwrap();
    std::fs::write(
        &path,
        format!(
            "[services.broken]\nkind = \"nonsense\"\n[staff]\npin_hash = \"{}\"\n",
            hash.as_str()
        ),
    )
    .unwrap();
    assert_eq!(StaffConfig::read(&path).unwrap().pin_hash, Some(hash));
}

#[test]
fn setting_the_pin_writes_its_hash_and_keeps_the_rest_of_the_file() {
    use station_core::config::StationConfig;
    use station_core::staff::write_pin_hash;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");

    // No file yet: one that still runs the sandbox, now with a PIN.
    let first = PinHash::of(&StaffPin::new("2468").unwrap()).unwrap();
    write_pin_hash(&path, &first).unwrap();
    let config = StationConfig::load(&path).unwrap();
    assert!(config.station.use_sandbox);
    assert_eq!(config.staff.pin_hash.as_ref(), Some(&first));

    let kept = "# front desk, hall B\n[station]\nuse_sandbox = true # for now\nkiosk = true\n\n[staff]\nidle_lock_secs = 60 # short\n";
    std::fs::write(&path, kept).unwrap();
    let second = PinHash::of(&StaffPin::new(PIN).unwrap()).unwrap();
    write_pin_hash(&path, &second).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(kept), "{text}");
    assert!(
        text.contains(&format!("pin_hash = \"{}\"", second.as_str())),
        "{text}"
    );
    assert!(!text.contains(PIN));
    let config = StationConfig::load(&path).unwrap();
    assert_eq!(
        (config.staff.idle_lock, config.station.kiosk),
        (Duration::from_secs(60), true)
    );

    // A file that is not a valid config stays as it was.
    std::fs::write(&path, "[station]\nkiosk = \"yes\"\n").unwrap();
    assert!(write_pin_hash(&path, &first).is_err());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "[station]\nkiosk = \"yes\"\n"
    );
}
