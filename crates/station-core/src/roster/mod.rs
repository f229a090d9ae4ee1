//! The roster: the people expected at the event, imported from a CSV file
//! against an issuance template and found again as staff type.
//!
//! An import is all or nothing ([`Roster::import`]); search is prefix
//! search over every claim value and the id ([`Roster::search`]); a person
//! found carries the templates they already have a live or successful job
//! for in the outbox, so the desk can say "already issued".

mod import;
mod mapping;
mod report;
mod search;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use serde::Serialize;

pub use import::{MAX_FILE_BYTES, MAX_ROWS, MAX_VALUE_CHARS};
pub use mapping::{ColumnMapping, EXTERNAL_ID};
pub use report::{ImportProblem, ImportReport, Problem, MAX_LISTED_PROBLEMS};
pub use search::{DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT};

use crate::config::IssuanceTemplate;
use crate::error::ErrorCode;
use crate::store::{Database, Durability, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error("cannot read {file}: {detail}")]
    UnreadableCsv { file: String, detail: String },
    #[error("the column mapping '{pair}' cannot be used: {fix}")]
    BadMapping { pair: String, fix: String },
    #[error(transparent)]
    Database(#[from] StoreError),
}

impl ErrorCode for RosterError {
    fn code(&self) -> &'static str {
        match self {
            RosterError::UnreadableCsv { .. } => "roster.unreadable_csv",
            RosterError::BadMapping { .. } => "roster.bad_mapping",
            RosterError::Database(_) => "roster.database",
        }
    }
}

/// The columns [`person_from_row`] reads, from `roster_people AS p`. The
/// issued templates are the jobs the once-only rule (the index
/// `jobs_issued_once`) counts: neither failed nor cancelled, and not an
/// override, which only ever repeats a template the person has. The same
/// condition as the index's lets the look-up read the index alone,
/// instead of every job with its photo.
macro_rules! person_columns {
    () => {
        "p.person_id, p.external_id, p.claims, \
         (SELECT json_group_array(DISTINCT j.template) FROM jobs AS j \
          WHERE j.person_id = p.person_id AND j.override_reason IS NULL \
            AND j.status NOT IN ('failed', 'cancelled')), \
         (SELECT json_group_array(json_object('jobId', w.job_id, 'template', w.template)) \
          FROM jobs AS w WHERE w.person_id = p.person_id AND w.status = 'ready')"
    };
}
use person_columns;

/// A person in the roster, as the desk shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RosterPerson {
    pub person_id: i64,
    pub external_id: Option<String>,
    /// Claim name to value, as imported.
    pub claims: BTreeMap<String, String>,
    /// The templates this person has a live or successful job for (as the
    /// once-only rule counts them), sorted.
    pub issued_templates: Vec<String>,
    /// Their queued issuances that can be issued now: a person who finds
    /// themselves at a kiosk starts theirs from here.
    pub ready_jobs: Vec<ReadyJob>,
}

/// A job waiting for its person at the desk or kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadyJob {
    pub job_id: String,
    pub template: String,
}

/// The roster in the station's database. Clones share one read connection.
#[derive(Clone)]
pub struct Roster {
    inner: Arc<Inner>,
}

struct Inner {
    database: Database,
    /// Opened on first use and kept, with its cache of prepared
    /// statements; dropped after a failure, so the next call starts afresh.
    reader: Mutex<Option<Connection>>,
}

impl Roster {
    pub fn new(database: Database) -> Roster {
        Roster {
            inner: Arc::new(Inner {
                database,
                reader: Mutex::new(None),
            }),
        }
    }

    /// Imports every row of the CSV in `reader` as a person for
    /// `template`, or none: a report with problems has `imported == 0`
    /// and left the roster as it was. `source` names the file in the
    /// report's errors and the audit log. Fails only when the file cannot
    /// be read or the database cannot be written.
    pub fn import(
        &self,
        reader: impl std::io::Read,
        source: &str,
        template: &IssuanceTemplate,
        mapping: &ColumnMapping,
    ) -> Result<ImportReport, RosterError> {
        let parsed = match import::read(reader, source, template, mapping)? {
            Ok(parsed) => parsed,
            Err(refused) => return Ok(refused),
        };
        let database = &self.inner.database;
        let mut connection = database.connect(Durability::Normal)?;
        set_cache(&connection, database)?;
        import::write(&mut connection, parsed, source, template).map_err(|e| database.error(e).into())
    }

    /// The person with this id, if the roster has them.
    pub fn person(&self, person_id: i64) -> Result<Option<RosterPerson>, RosterError> {
        self.read(|connection| {
            let mut statement = connection.prepare_cached(concat!(
                "SELECT ",
                person_columns!(),
                " FROM roster_people AS p WHERE p.person_id = ?1"
            ))?;
            let mut rows = statement.query_map([person_id], person_from_row)?;
            rows.next().transpose()
        })
    }

    /// The person whose id (the roster's `id` column: a registration
    /// code) is exactly `external_id`, case and all: a kiosk looks a
    /// visitor up by their ticket, and a near miss must find nobody.
    pub fn by_external_id(&self, external_id: &str) -> Result<Option<RosterPerson>, RosterError> {
        self.read(|connection| {
            let mut statement = connection.prepare_cached(concat!(
                "SELECT ",
                person_columns!(),
                " FROM roster_people AS p WHERE p.external_id = ?1"
            ))?;
            let mut rows = statement.query_map([external_id], person_from_row)?;
            rows.next().transpose()
        })
    }

    /// How many people the roster holds.
    pub fn count(&self) -> Result<usize, RosterError> {
        self.read(|connection| {
            let count: i64 =
                connection.query_row("SELECT count(*) FROM roster_people", [], |row| row.get(0))?;
            usize::try_from(count).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Integer, Box::new(e))
            })
        })
    }

    /// Runs `query` on the kept read connection, opening it if need be.
    fn read<T>(&self, query: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, RosterError> {
        let database = &self.inner.database;
        let mut reader = self.inner.reader.lock().unwrap_or_else(|e| e.into_inner());
        let connection = match &mut *reader {
            Some(connection) => connection,
            None => reader.insert(open_reader(database)?),
        };
        query(connection).map_err(|error| {
            *reader = None;
            database.error(error).into()
        })
    }
}

/// The page cache of the roster's connections, in KiB: enough to hold
/// the search index of a 100,000-person roster (about 15 MB), so that a
/// search finds its pages decrypted already.
const CACHE_KIB: i64 = 32 * 1024;

fn set_cache(connection: &Connection, database: &Database) -> Result<(), StoreError> {
    connection
        .pragma_update(None, "cache_size", -CACHE_KIB)
        .map_err(|e| database.error(e))
}

fn open_reader(database: &Database) -> Result<Connection, StoreError> {
    let connection = database.connect(Durability::Normal)?;
    connection
        .pragma_update(None, "query_only", true)
        .map_err(|e| database.error(e))?;
    set_cache(&connection, database)?;
    Ok(connection)
}

fn person_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RosterPerson> {
    let mut issued_templates: Vec<String> = json_column(row, 3)?;
    issued_templates.sort();
    Ok(RosterPerson {
        person_id: row.get(0)?,
        external_id: row.get(1)?,
        claims: json_column(row, 2)?,
        issued_templates,
        ready_jobs: json_column(row, 4)?,
    })
}

fn json_column<T: serde::de::DeserializeOwned>(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}
