//! The local history: every flow, the requests it created and the events it
//! heard. No PIN and no photo is ever written here.
//!
//! Writes go through one background thread so that recording never delays a
//! flow's reaction to an event; reads open their own connection (WAL lets
//! them run beside the writer).

use std::path::Path;
use std::sync::mpsc;
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use rusqlite::{params, Connection};
use serde::Serialize;

use super::{migrations, millis, Database, Durability, StoreError};

/// One thing to remember.
#[derive(Debug)]
pub enum Record {
    FlowStarted {
        flow_id: String,
        kind: &'static str,
        template: String,
        service: String,
        claims: String,
        at: SystemTime,
    },
    RequestCreated {
        flow_id: String,
        request_id: String,
        url: String,
        at: SystemTime,
        expires_at: SystemTime,
    },
    Event {
        flow_id: String,
        request_id: String,
        event: &'static str,
        code: Option<String>,
        message: Option<String>,
        /// The event concerned a request the flow had already replaced.
        ignored: bool,
        at: SystemTime,
    },
    FlowEnded {
        flow_id: String,
        outcome: &'static str,
        code: Option<String>,
        message: Option<String>,
        at: SystemTime,
    },
}

enum WriterMessage {
    Record(Record),
    Flush(mpsc::Sender<()>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowSummary {
    pub flow_id: String,
    pub kind: String,
    pub template: String,
    pub service: String,
    pub claims: String,
    pub started_at_ms: i64,
    pub outcome: Option<String>,
    pub outcome_code: Option<String>,
    pub outcome_message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    pub at_ms: i64,
    pub request_id: String,
    /// `created` for a new request, else the event name.
    pub what: String,
    pub code: Option<String>,
    pub message: Option<String>,
    pub ignored: bool,
}

pub struct History {
    database: Database,
    writer: Mutex<mpsc::Sender<WriterMessage>>,
    thread: Option<JoinHandle<()>>,
}

impl History {
    /// The history in `database`, with its own writer thread.
    pub fn open(database: &Database) -> Result<History, StoreError> {
        let connection = database.connect(Durability::Normal)?;
        let (sender, receiver) = mpsc::channel();
        let writer_path = database.path().to_path_buf();
        let thread = std::thread::Builder::new()
            .name("history-writer".into())
            .spawn(move || write_loop(connection, &writer_path, receiver))
            .map_err(|e| database.error(e))?;
        Ok(History {
            database: database.clone(),
            writer: Mutex::new(sender),
            thread: Some(thread),
        })
    }

    pub fn database(&self) -> &Database {
        &self.database
    }

    pub fn path(&self) -> &Path {
        self.database.path()
    }

    /// Queues a record for the writer thread; never blocks on the disk.
    pub fn record(&self, record: Record) {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if writer.send(WriterMessage::Record(record)).is_err() {
            tracing::error!("history writer has stopped; a record was not saved");
        }
    }

    /// Waits until everything recorded so far is on disk.
    pub fn flush(&self) {
        let (done, wait) = mpsc::channel();
        {
            let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
            if writer.send(WriterMessage::Flush(done)).is_err() {
                return;
            }
        }
        let _ = wait.recv_timeout(Duration::from_secs(10));
    }

    /// The most recent flows, newest first.
    pub fn recent(&self, limit: usize) -> Result<Vec<FlowSummary>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.flows("1 = 1 ORDER BY started_at_ms DESC, rowid DESC LIMIT ?1", limit)
    }

    pub fn flow(&self, flow_id: &str) -> Result<Option<FlowSummary>, StoreError> {
        Ok(self.flows("flow_id = ?1", flow_id)?.pop())
    }

    fn flows(
        &self,
        condition: &str,
        parameter: impl rusqlite::ToSql,
    ) -> Result<Vec<FlowSummary>, StoreError> {
        let connection = self.database.connect(Durability::Normal)?;
        let sql = format!(
            "SELECT flow_id, kind, template, service, claims, started_at_ms, outcome, outcome_code, outcome_message
             FROM flows WHERE {condition}"
        );
        let mut statement = connection.prepare(&sql).map_err(|e| self.database.error(e))?;
        let rows = statement
            .query_map([parameter], |row| {
                Ok(FlowSummary {
                    flow_id: row.get(0)?,
                    kind: row.get(1)?,
                    template: row.get(2)?,
                    service: row.get(3)?,
                    claims: row.get(4)?,
                    started_at_ms: row.get(5)?,
                    outcome: row.get(6)?,
                    outcome_code: row.get(7)?,
                    outcome_message: row.get(8)?,
                })
            })
            .map_err(|e| self.database.error(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.database.error(e))
    }

    /// A flow's requests and events in the order they happened.
    pub fn timeline(&self, flow_id: &str) -> Result<Vec<TimelineEntry>, StoreError> {
        let connection = self.database.connect(Durability::Normal)?;
        let mut statement = connection
            .prepare(
                "SELECT at_ms, request_id, what, code, message, ignored FROM (
                    SELECT created_at_ms AS at_ms, request_id, 'created' AS what, NULL AS code, NULL AS message, 0 AS ignored, 0 AS seq
                      FROM requests WHERE flow_id = ?1
                    UNION ALL
                    SELECT at_ms, request_id, event, code, message, ignored, id AS seq
                      FROM events WHERE flow_id = ?1
                 ) ORDER BY at_ms, seq",
            )
            .map_err(|e| self.database.error(e))?;
        let rows = statement
            .query_map([flow_id], |row| {
                Ok(TimelineEntry {
                    at_ms: row.get(0)?,
                    request_id: row.get(1)?,
                    what: row.get(2)?,
                    code: row.get(3)?,
                    message: row.get(4)?,
                    ignored: row.get::<_, i64>(5)? != 0,
                })
            })
            .map_err(|e| self.database.error(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.database.error(e))
    }

    /// The schema version of the database file.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        self.database.schema_version()
    }

    pub fn latest_schema_version() -> u32 {
        migrations::latest_version()
    }
}

impl Drop for History {
    fn drop(&mut self) {
        self.flush();
        // Replacing the sender closes the channel, which ends the thread.
        let (closed, _) = mpsc::channel();
        *self.writer.lock().unwrap_or_else(|e| e.into_inner()) = closed;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn write_loop(mut connection: Connection, path: &Path, receiver: mpsc::Receiver<WriterMessage>) {
    while let Ok(first) = receiver.recv() {
        // Whatever else is already waiting goes into the same transaction.
        let mut batch = vec![first];
        batch.extend(receiver.try_iter());
        let mut flushes = Vec::new();
        let result = connection.transaction().and_then(|mut transaction| {
            for message in batch {
                match message {
                    // One bad record must not take its batch-mates with it.
                    WriterMessage::Record(record) => {
                        let mut savepoint = transaction.savepoint()?;
                        match write(&savepoint, record) {
                            Ok(()) => savepoint.commit()?,
                            Err(error) => {
                                savepoint.rollback()?;
                                tracing::error!(path = %path.display(), %error, "a history record was not saved");
                            }
                        }
                    }
                    WriterMessage::Flush(done) => flushes.push(done),
                }
            }
            transaction.commit()
        });
        if let Err(error) = result {
            tracing::error!(path = %path.display(), %error, "history write failed");
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

/// Writes one record with `connection`, which may be another module's
/// transaction (a job and its history row are committed together).
pub(crate) fn write(connection: &Connection, record: Record) -> rusqlite::Result<()> {
    match record {
        Record::FlowStarted { flow_id, kind, template, service, claims, at } => connection.execute(
            // A queued job's flow runs again under the same id: its history
            // continues, open again until this attempt ends.
            "INSERT INTO flows (flow_id, kind, template, service, claims, started_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (flow_id) DO UPDATE SET outcome = NULL, outcome_code = NULL, outcome_message = NULL, ended_at_ms = NULL",
            params![flow_id, kind, template, service, claims, millis(at)],
        ),
        Record::RequestCreated { flow_id, request_id, url, at, expires_at } => connection.execute(
            "INSERT OR IGNORE INTO requests (request_id, flow_id, url, created_at_ms, expires_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![request_id, flow_id, url, millis(at), millis(expires_at)],
        ),
        Record::Event { flow_id, request_id, event, code, message, ignored, at } => connection.execute(
            "INSERT INTO events (flow_id, request_id, event, code, message, ignored, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![flow_id, request_id, event, code, message, ignored, millis(at)],
        ),
        Record::FlowEnded { flow_id, outcome, code, message, at } => connection.execute(
            "UPDATE flows SET outcome = ?2, outcome_code = ?3, outcome_message = ?4, ended_at_ms = ?5 WHERE flow_id = ?1",
            params![flow_id, outcome, code, message, millis(at)],
        ),
    }
    .map(|_| ())
}
