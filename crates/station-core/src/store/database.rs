//! The station's one database file, encrypted whole with SQLCipher. The key
//! is 32 random bytes kept in the OS keyring; a raw key skips SQLCipher's
//! passphrase derivation, so opening a connection costs microseconds, not a
//! PBKDF2 run. Each data directory has its own key, in the keyring entry
//! `database-key:<id>`, the id (not a secret) in the file [`KEY_ID_FILE`]
//! beside the database: two stations on one machine never share a key, and
//! a moved directory still finds its own.
//!
//! Opening never stops the station over a bad file: a plain (pre-encryption)
//! database is encrypted in place, and one that cannot be read is moved
//! aside under a name that says so, a fresh one is started, and every row
//! that can still be read is carried over ([`super::salvage`]).

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use super::audit::{self, Action, Actor};
use super::migrations;
use super::salvage;
use super::StoreError;
use crate::secrets::{Secret, SecretError, SecretStore};

pub const DATABASE_FILE: &str = "history.sqlite3";
/// Names the data directory's keyring entry.
pub const KEY_ID_FILE: &str = "database-key-id";
/// Overrides the keyring, for machines without one: 64 hexadecimal digits.
pub const KEY_ENV: &str = "STATION_SECRET_DATABASE_KEY";

/// How writes reach the disk. The outbox commits with `Full`: a job the
/// staff saw queued must survive a power cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Normal,
    Full,
}

/// What opening the database had to do besides opening it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Repair {
    /// A database from before encryption was encrypted in place.
    Encrypted,
    /// The file could not be used; it now lies at `moved_to`.
    MovedAside {
        moved_to: String,
        reason: String,
        /// Rows carried over into the fresh database, by table.
        salvaged: Vec<(String, u64)>,
    },
}

impl Repair {
    /// What happened, for staff: the window's notice and `station doctor`.
    pub fn describe(&self) -> String {
        match self {
            Repair::Encrypted => "The station's database, kept unencrypted by an earlier version, was encrypted at start.".to_owned(),
            Repair::MovedAside { moved_to, reason, salvaged } => format!(
                "The station's database could not be used at start ({reason}). It was moved to {moved_to}, and {} rows that could still be read were carried over into a fresh one.",
                salvaged.iter().map(|(_, rows)| rows).sum::<u64>()
            ),
        }
    }
}

/// The opened database: hands out connections with the key and pragmas set.
#[derive(Clone)]
pub struct Database {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    key: Secret,
    repair: Option<Repair>,
}

impl Database {
    /// Opens `data_dir/history.sqlite3`, creating, encrypting, repairing
    /// and migrating it as needed; the key comes from `keys` (created there
    /// on first use).
    pub fn open(data_dir: &Path, keys: &dyn SecretStore) -> Result<Database, StoreError> {
        create_private_dir(data_dir)?;
        let path = data_dir.join(DATABASE_FILE);
        let entry = key_entry(data_dir)?;
        let (key, key_is_new) = database_key(keys, &entry)?;
        let repair = prepare(&path, &key, key_is_new)?;
        let database = Database {
            inner: Arc::new(Inner { path, key, repair }),
        };
        let mut connection = database.connect(Durability::Full)?;
        migrations::migrate(&mut connection).map_err(|e| database.error(e))?;
        if let Some(repair) = database.repair() {
            let subject = match repair {
                Repair::Encrypted => None,
                Repair::MovedAside { moved_to, .. } => Some(moved_to.as_str()),
            };
            audit::record(
                &connection,
                Actor::Station,
                Action::Repaired,
                subject,
                Some(&repair.describe()),
            )
            .map_err(|e| database.error(e))?;
        }
        Ok(database)
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// What opening had to repair, for the window to say so.
    pub fn repair(&self) -> Option<&Repair> {
        self.inner.repair.as_ref()
    }

    /// A new connection, keyed, in WAL mode, with foreign keys on.
    pub fn connect(&self, durability: Durability) -> Result<Connection, StoreError> {
        connect_keyed(&self.inner.path, &self.inner.key, durability).map_err(|e| self.error(e))
    }

    pub fn error(&self, error: impl std::fmt::Display) -> StoreError {
        db_error(&self.inner.path, error)
    }

    /// The schema version of the file.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        let connection = self.connect(Durability::Normal)?;
        connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| self.error(e))
    }
}

pub(super) fn db_error(path: &Path, error: impl std::fmt::Display) -> StoreError {
    StoreError::Database {
        path: path.display().to_string(),
        detail: error.to_string(),
    }
}

/// The keyring entry of `data_dir`'s key, its id made on first use.
pub fn key_entry(data_dir: &Path) -> Result<String, StoreError> {
    let path = data_dir.join(KEY_ID_FILE);
    let id = match std::fs::read_to_string(&path) {
        Ok(id) => id.trim().to_owned(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let id = uuid::Uuid::new_v4().to_string();
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            match options.open(&path) {
                Ok(mut file) => {
                    use std::io::Write;
                    file.write_all(id.as_bytes())
                        .and_then(|()| file.sync_all())
                        .map_err(|e| db_error(&path, e))?;
                    id
                }
                // Another process made it first: use its id.
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::fs::read_to_string(&path)
                        .map_err(|e| db_error(&path, e))?
                        .trim()
                        .to_owned()
                }
                Err(error) => return Err(db_error(&path, error)),
            }
        }
        Err(error) => return Err(db_error(&path, error)),
    };
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(db_error(
            &path,
            "the key id is not a UUID; delete the file to start a new database",
        ));
    }
    Ok(format!("database-key:{id}"))
}

/// The key, and whether it was made just now (so any existing file was
/// encrypted with a key this keyring does not have).
fn database_key(keys: &dyn SecretStore, entry: &str) -> Result<(Secret, bool), StoreError> {
    let stored = match std::env::var(KEY_ENV) {
        Ok(value) if !value.is_empty() => Ok(Some(Secret::new(value))),
        _ => keys.get(entry),
    };
    match stored {
        Ok(Some(key)) if is_raw_key(key.expose()) => Ok((key, false)),
        Ok(Some(_)) => Err(StoreError::Key {
            detail: format!(
                "the stored database key is not 64 hexadecimal digits; remove the keyring entry '{entry}' (or the environment variable {KEY_ENV}) to let the station make a new one"
            ),
        }),
        Ok(None) => {
            let key = new_raw_key();
            keys.set(entry, &key).map_err(key_error)?;
            // Two processes starting at once: the one stored last wins, so
            // both use what the keyring holds now.
            match keys.get(entry) {
                Ok(Some(stored)) if is_raw_key(stored.expose()) => Ok((stored, true)),
                _ => Ok((key, true)),
            }
        }
        Err(other) => Err(key_error(other)),
    }
}

fn key_error(error: SecretError) -> StoreError {
    StoreError::Key {
        detail: format!(
            "{error}. The station keeps its database encrypted with a key in the OS keyring: unlock the keyring, or set {KEY_ENV} to 64 hexadecimal digits"
        ),
    }
}

fn is_raw_key(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit())
}

fn new_raw_key() -> Secret {
    use rand::RngCore;
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(bytes.as_mut());
    Secret::new(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// `PRAGMA key` with a raw key: `x'…'` inside quotes.
fn key_pragma(key: &Secret) -> zeroize::Zeroizing<String> {
    zeroize::Zeroizing::new(format!("\"x'{}'\"", key.expose()))
}

/// The key must be the first statement on a connection. It is 64 hex
/// digits (checked where it is read), so it cannot break out of the quotes.
pub(super) fn apply_key(connection: &Connection, key: &Secret) -> rusqlite::Result<()> {
    let statement = zeroize::Zeroizing::new(format!("PRAGMA key = {};", key_pragma(key).as_str()));
    connection.execute_batch(&statement)
}

fn connect_keyed(path: &Path, key: &Secret, durability: Durability) -> rusqlite::Result<Connection> {
    let connection = Connection::open(path)?;
    apply_key(&connection, key)?;
    configure(&connection, durability)?;
    Ok(connection)
}

fn configure(connection: &Connection, durability: Durability) -> rusqlite::Result<()> {
    connection.busy_timeout(Duration::from_secs(5))?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    let synchronous = match durability {
        Durability::Normal => "NORMAL",
        Durability::Full => "FULL",
    };
    connection.pragma_update(None, "synchronous", synchronous)?;
    connection.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

/// Makes `path` a database this key opens, whatever lies there now.
fn prepare(path: &Path, key: &Secret, key_is_new: bool) -> Result<Option<Repair>, StoreError> {
    if !path.exists() {
        create_private_file(path)?;
        return Ok(None);
    }
    restrict_file(path)?;
    if !key_is_new && opens_with(path, Some(key)).is_ok() {
        return Ok(None);
    }
    if opens_with(path, None).is_ok() {
        encrypt_in_place(path, key)?;
        return Ok(Some(Repair::Encrypted));
    }
    let reason = if key_is_new {
        "it is encrypted with a key this keyring does not hold (the keyring entry was lost or the file came from another machine)".to_owned()
    } else {
        match opens_with(path, Some(key)) {
            Err(error) => format!("it cannot be read ({error})"),
            Ok(()) => "it cannot be read".to_owned(),
        }
    };
    let moved_to = move_aside(path)?;
    create_private_file(path)?;
    let mut fresh = connect_keyed(path, key, Durability::Full).map_err(|e| db_error(path, e))?;
    migrations::migrate(&mut fresh).map_err(|e| db_error(path, e))?;
    let salvaged = if key_is_new {
        Vec::new()
    } else {
        salvage::carry_over(&moved_to, key, &mut fresh)
    };
    tracing::error!(moved_to = %moved_to.display(), %reason, "the database was damaged and has been replaced");
    Ok(Some(Repair::MovedAside {
        moved_to: moved_to.display().to_string(),
        reason,
        salvaged,
    }))
}

/// Whether the file opens and passes SQLite's quick check, with `key` or
/// (`None`) as a plain database.
fn opens_with(path: &Path, key: Option<&Secret>) -> rusqlite::Result<()> {
    let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    if let Some(key) = key {
        apply_key(&connection, key)?;
    }
    let check: String = connection.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
    if check == "ok" {
        Ok(())
    } else {
        Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            Some(check),
        ))
    }
}

/// A plain database becomes an encrypted one: exported into a new keyed
/// file beside it, which then replaces it. The plain file and its WAL are
/// removed, so no unencrypted copy is left behind.
fn encrypt_in_place(path: &Path, key: &Secret) -> Result<(), StoreError> {
    let encrypted = sibling(path, "encrypting");
    let _ = std::fs::remove_file(&encrypted);
    create_private_file(&encrypted)?;
    export_encrypted(path, &encrypted, key).map_err(|e| db_error(path, e))?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(companion(path, suffix));
    }
    std::fs::rename(&encrypted, path).map_err(|e| db_error(path, e))
}

fn export_encrypted(plain: &Path, encrypted: &Path, key: &Secret) -> rusqlite::Result<()> {
    let connection = Connection::open(plain)?;
    connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let version: u32 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    connection.execute(
        &format!("ATTACH DATABASE ?1 AS encrypted KEY {}", key_pragma(key).as_str()),
        [encrypted.display().to_string()],
    )?;
    connection.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
    connection.pragma_update(Some("encrypted"), "user_version", version)?;
    connection.execute("DETACH DATABASE encrypted", [])?;
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `path` with `suffix` appended to its file name.
fn companion(path: &Path, suffix: &str) -> PathBuf {
    path.with_file_name(format!("{}{suffix}", file_name(path)))
}

fn sibling(path: &Path, tag: &str) -> PathBuf {
    companion(path, &format!(".{tag}"))
}

/// Moves the file (and its WAL and shared-memory files) to
/// `history.sqlite3.damaged-<seconds since 1970>`.
fn move_aside(path: &Path) -> Result<PathBuf, StoreError> {
    let stamp = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut target = sibling(path, &format!("damaged-{stamp}"));
    let mut n = 1;
    while target.exists() {
        target = sibling(path, &format!("damaged-{stamp}-{n}"));
        n += 1;
    }
    std::fs::rename(path, &target).map_err(|e| db_error(path, e))?;
    for suffix in ["-wal", "-shm"] {
        let from = companion(path, suffix);
        if from.exists() {
            let _ = std::fs::rename(from, companion(&target, suffix));
        }
    }
    Ok(target)
}

fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    let fail = |e: std::io::Error| StoreError::DataDir {
        path: dir.display().to_string(),
        detail: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(fail)?;
    }
    Ok(())
}

/// An empty file readable by its owner only; SQLite gives the WAL and
/// shared-memory files the same mode.
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|e| db_error(path, e))?;
    restrict_file(path)
}

fn restrict_file(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| db_error(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
