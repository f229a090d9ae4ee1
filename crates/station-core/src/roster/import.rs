//! Reading a CSV file into people, and writing them all in one
//! transaction, or none.
//!
//! The file is read whole before the database is touched: every problem
//! in it is found in one pass, and the write lock is held only for the
//! roster check and the inserts.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::time::SystemTime;

use rusqlite::{params, Connection, TransactionBehavior};

use crate::config::IssuanceTemplate;
use crate::store::audit::{self, Action, Actor};
use crate::store::millis;

use super::mapping::{self, ColumnMapping, Target};
use super::report::{ImportProblem, ImportReport, Problem};
use super::RosterError;

/// The longest value a column may hold, in characters: longer is a
/// pasted paragraph, not a name.
pub const MAX_VALUE_CHARS: usize = 1_000;
/// More people than any event the station serves at one desk; a bigger
/// file is split so that each part is validated (and held in memory) alone.
pub const MAX_ROWS: usize = 250_000;
/// Bounds the memory one file can take, whatever its shape.
pub const MAX_FILE_BYTES: u64 = 128 * 1024 * 1024;

/// A good row, ready to insert.
#[derive(serde::Serialize)]
struct Person {
    external_id: Option<String>,
    /// JSON object, claim name to value.
    claims: String,
    /// The claim values and the id, for search.
    search_text: String,
}

/// What the file holds, before the roster is consulted.
pub(super) struct Parsed {
    people: Vec<Person>,
    problems: Vec<ImportProblem>,
    /// Each external id in the file and the first line it is on.
    external_ids: HashMap<String, u64>,
    ignored_columns: Vec<String>,
}

/// Either the file's people, or a report of why there are none.
pub(super) fn read(
    reader: impl Read,
    file: &str,
    template: &IssuanceTemplate,
    mapping: &ColumnMapping,
) -> Result<Result<Parsed, ImportReport>, RosterError> {
    let unreadable = |error: csv::Error| RosterError::UnreadableCsv {
        file: file.to_owned(),
        detail: error.to_string(),
    };
    // One byte beyond the limit tells a file that is exactly the limit
    // from one that is longer.
    let limited = reader.take(MAX_FILE_BYTES.saturating_add(1));
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(limited);
    let refused = |problem| {
        Ok(Err(ImportReport::refused(
            vec![ImportProblem::file(problem)],
            Vec::new(),
        )))
    };
    let mut record = csv::ByteRecord::new();
    if !csv.read_byte_record(&mut record).map_err(unreadable)? {
        return refused(Problem::NoHeader);
    }
    let Some(headers) = record
        .iter()
        .map(|field| std::str::from_utf8(field).ok().map(|h| h.trim().to_owned()))
        .collect::<Option<Vec<String>>>()
    else {
        return refused(Problem::HeaderNotUtf8);
    };
    let resolved = match mapping::resolve(&headers, template, mapping) {
        Ok(resolved) => resolved,
        Err(problems) => {
            let problems = problems.into_iter().map(ImportProblem::file).collect();
            return Ok(Err(ImportReport::refused(problems, Vec::new())));
        }
    };
    let mut parsed = Parsed {
        people: Vec::new(),
        problems: Vec::new(),
        external_ids: HashMap::new(),
        ignored_columns: resolved.ignored.clone(),
    };
    let mut rows: usize = 0;
    while csv.read_byte_record(&mut record).map_err(unreadable)? {
        rows = match rows.checked_add(1) {
            Some(rows) if rows <= MAX_ROWS => rows,
            _ => return refused(Problem::TooManyRows { max: MAX_ROWS }),
        };
        let line = record.position().map_or(0, |p| p.line());
        let problems_before = parsed.problems.len();
        let mut report = |problem| parsed.problems.push(ImportProblem::row(line, problem));
        if record.len() != headers.len() {
            report(Problem::FieldCount {
                found: record.len(),
                expected: headers.len(),
            });
            continue;
        }
        let Some(values) = row_values(&record, &resolved.columns) else {
            report(Problem::NotUtf8);
            continue;
        };
        let mut external_id = None;
        let mut claims = BTreeMap::new();
        for (&(column, target), value) in resolved.columns.iter().zip(values) {
            let chars = value.chars().count();
            if chars > MAX_VALUE_CHARS {
                report(Problem::TooLong {
                    column: headers[column].clone(),
                    chars,
                    max: MAX_VALUE_CHARS,
                });
                continue;
            }
            match target {
                Target::ExternalId if value.is_empty() => report(Problem::MissingId),
                Target::ExternalId => external_id = Some(value.to_owned()),
                Target::Claim(index) => {
                    let claim = &template.claims[index];
                    if !value.is_empty() {
                        claims.insert(claim.name.as_str(), value);
                    } else if claim.required {
                        report(Problem::MissingRequired {
                            claim: claim.name.clone(),
                            label: claim.label.clone(),
                        });
                    }
                }
            }
        }
        if let Some(id) = &external_id {
            match parsed.external_ids.get(id) {
                Some(&first_line) => report(Problem::DuplicateInFile {
                    external_id: id.clone(),
                    first_line,
                }),
                None => {
                    parsed.external_ids.insert(id.clone(), line);
                }
            }
        }
        if parsed.problems.len() > problems_before {
            continue;
        }
        parsed.people.push(Person {
            search_text: search_text(template, &claims, external_id.as_deref()),
            claims: claims_json(&claims),
            external_id,
        });
    }
    if csv.get_ref().limit() == 0 {
        return refused(Problem::TooLarge {
            max_bytes: MAX_FILE_BYTES,
        });
    }
    if parsed.people.is_empty() && parsed.problems.is_empty() {
        return refused(Problem::NoRows);
    }
    Ok(Ok(parsed))
}

/// The mapped columns' values, trimmed, or `None` when one is not UTF-8.
fn row_values<'r>(record: &'r csv::ByteRecord, columns: &[(usize, Target)]) -> Option<Vec<&'r str>> {
    columns
        .iter()
        .map(|&(column, _)| {
            let field = record.get(column)?;
            std::str::from_utf8(field).ok().map(str::trim)
        })
        .collect()
}

fn claims_json(claims: &BTreeMap<&str, &str>) -> String {
    let object = claims
        .iter()
        .map(|(name, value)| ((*name).to_owned(), serde_json::Value::from(*value)))
        .collect();
    serde_json::Value::Object(object).to_string()
}

/// The claim values in the template's order, then the id.
fn search_text(
    template: &IssuanceTemplate,
    claims: &BTreeMap<&str, &str>,
    external_id: Option<&str>,
) -> String {
    let values = template
        .claims
        .iter()
        .filter_map(|c| claims.get(c.name.as_str()).copied());
    values.chain(external_id).collect::<Vec<_>>().join(" ")
}

/// Checks the file's ids against the roster and, when every row is good,
/// inserts them all with their import and audit rows in one transaction.
pub(super) fn write(
    connection: &mut Connection,
    parsed: Parsed,
    source: &str,
    template: &IssuanceTemplate,
) -> rusqlite::Result<ImportReport> {
    let Parsed {
        people,
        mut problems,
        external_ids,
        ignored_columns,
    } = parsed;
    // Immediate: no other import can add the same id between the check
    // and the insert.
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut in_roster = transaction.prepare("SELECT 1 FROM roster_people WHERE external_id = ?1")?;
        for (external_id, &line) in &external_ids {
            if in_roster.exists([external_id])? {
                problems.push(ImportProblem::row(
                    line,
                    Problem::DuplicateInRoster {
                        external_id: external_id.clone(),
                    },
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Ok(ImportReport::refused(problems, ignored_columns));
    }
    let count =
        i64::try_from(people.len()).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    transaction.execute(
        "INSERT INTO roster_imports (source, template, people, at_ms) VALUES (?1, ?2, ?3, ?4)",
        params![source, template.name, count, millis(SystemTime::now())],
    )?;
    let import_id = transaction.last_insert_rowid();
    // One statement for all rows: FTS5 flushes its pending index at every
    // statement's savepoint, so a statement per row (each firing the
    // index trigger) takes five times as long.
    let people_json =
        serde_json::to_string(&people).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    transaction.execute(
        "INSERT INTO roster_people (import_id, external_id, claims, search_text)
         SELECT ?1, value ->> '$.external_id', value ->> '$.claims', value ->> '$.search_text'
         FROM json_each(?2)",
        params![import_id, people_json],
    )?;
    let detail = format!("{} people for template {}", people.len(), template.name);
    audit::record(
        &transaction,
        Actor::Staff,
        Action::Imported,
        Some(source),
        Some(&detail),
    )?;
    transaction.commit()?;
    tracing::info!(people = people.len(), template = %template.name, "roster imported");
    Ok(ImportReport {
        imported: people.len(),
        problems: Vec::new(),
        unlisted_problems: 0,
        ignored_columns,
    })
}
