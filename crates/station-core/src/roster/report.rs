//! What an import says back: how many people went in, or every reason
//! none did, each worded as what to fix.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// The report lists this many problems at most; a file that bad needs
/// fixing as a whole, and the count of the rest says how much.
pub const MAX_LISTED_PROBLEMS: usize = 1_000;

/// The outcome of [`super::Roster::import`]. Either every row was imported
/// (`problems` is empty) or none was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub imported: usize,
    /// File problems first, then rows by line.
    pub problems: Vec<ImportProblem>,
    /// Problems found beyond [`MAX_LISTED_PROBLEMS`].
    pub unlisted_problems: usize,
    /// Headers of the columns that fill no claim, in file order.
    pub ignored_columns: Vec<String>,
}

impl ImportReport {
    pub fn succeeded(&self) -> bool {
        self.problems.is_empty()
    }

    /// Nothing imported, for these reasons.
    pub(super) fn refused(mut problems: Vec<ImportProblem>, ignored_columns: Vec<String>) -> ImportReport {
        problems.sort_by_key(|p| p.line);
        let unlisted_problems = problems.len().saturating_sub(MAX_LISTED_PROBLEMS);
        problems.truncate(MAX_LISTED_PROBLEMS);
        ImportReport {
            imported: 0,
            problems,
            unlisted_problems,
            ignored_columns,
        }
    }
}

/// One problem, on a line of the file (1-based, the header is line 1) or
/// with the file as a whole (`line` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub line: Option<u64>,
    pub problem: Problem,
}

impl ImportProblem {
    pub(super) fn file(problem: Problem) -> ImportProblem {
        ImportProblem { line: None, problem }
    }

    pub(super) fn row(line: u64, problem: Problem) -> ImportProblem {
        ImportProblem {
            line: Some(line),
            problem,
        }
    }
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.problem),
            None => write!(f, "the file: {}", self.problem),
        }
    }
}

/// `{ line, problem: { kind, … }, message }` for the UI.
impl Serialize for ImportProblem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("ImportProblem", 3)?;
        state.serialize_field("line", &self.line)?;
        state.serialize_field("problem", &self.problem)?;
        state.serialize_field("message", &self.problem.to_string())?;
        state.end()
    }
}

/// Why a file or a row cannot be imported. Values from the file are never
/// repeated here except ids and headers: a report may be shown or printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Problem {
    #[error("it is empty; the first line must name the columns, e.g. given_name,family_name")]
    NoHeader,
    #[error("the header line is not UTF-8 text; save the file as \"CSV UTF-8\"")]
    HeaderNotUtf8,
    #[error("it has a header but no people; add one line per person")]
    NoRows,
    #[error("it has more than {max} people; split it into several files")]
    TooManyRows { max: usize },
    #[error("it is larger than {} MiB; split it into several files", max_bytes / (1024 * 1024))]
    TooLarge { max_bytes: u64 },
    #[error("it has no column '{column}'; its columns are: {}", columns.join(", "))]
    MissingColumn { column: String, columns: Vec<String> },
    #[error("two columns are named '{column}'; rename one")]
    AmbiguousColumn { column: String },
    #[error("the template '{template}' has no claim '{claim}'; its claims are: {}", claims.join(", "))]
    UnknownClaim {
        claim: String,
        template: String,
        claims: Vec<String>,
    },
    #[error("the columns {} all fill '{target}'; keep one, or choose with --map column={target}", columns.join(", "))]
    SharedTarget { target: String, columns: Vec<String> },
    #[error("no column fills the required claim '{claim}' ({label}); add one, or map one with --map column={claim}")]
    UnmappedRequired { claim: String, label: String },
    #[error(
        "it has {found} fields where the header has {expected}; a value with a comma needs double quotes"
    )]
    FieldCount { found: usize, expected: usize },
    #[error("it is not UTF-8 text; save the file as \"CSV UTF-8\"")]
    NotUtf8,
    #[error("the value in '{column}' is {chars} characters long; at most {max} fit")]
    TooLong {
        column: String,
        chars: usize,
        max: usize,
    },
    #[error("the required claim '{claim}' ({label}) is empty; fill it in")]
    MissingRequired { claim: String, label: String },
    #[error("the id is empty; give every person an id, or map no column to id")]
    MissingId,
    #[error("the id '{external_id}' is also on line {first_line}; ids must be unique")]
    DuplicateInFile { external_id: String, first_line: u64 },
    #[error("the id '{external_id}' is already in the roster; remove the line or change the id")]
    DuplicateInRoster { external_id: String },
}
