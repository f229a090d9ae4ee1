//! Search as staff type: each word typed is the start of a word in the
//! person's claims or id (`megan bo` finds Megan Bowen), ignoring case and
//! diacritics (the `roster_search` tokenizer removes them from both sides),
//! best matches first by bm25.
//!
//! What was typed never reaches FTS5 as syntax: every word becomes a quoted
//! string, so quotes, `*`, `-`, `NEAR(`, `OR` and colons are only text.

use super::{person_columns, person_from_row, Roster, RosterError, RosterPerson};

/// What the desk asks for as staff type.
pub const DEFAULT_SEARCH_LIMIT: usize = 20;
/// More results than anyone reads; bounds the work of a search.
pub const MAX_SEARCH_LIMIT: usize = 200;
/// Words after these add nothing to find a person and only cost time.
const MAX_QUERY_WORDS: usize = 8;
/// A longer word is still a prefix of what it was typed for.
const MAX_WORD_CHARS: usize = 64;

/// bm25 ranks the first this many matches, in roster order. Its cost
/// grows with the matches it ranks, and a prefix of two or three letters
/// matches thousands, all about as good; a query matching fewer is ranked
/// exactly.
const RANKED_CANDIDATES: i64 = 250;
const _: () = assert!(RANKED_CANDIDATES as usize >= MAX_SEARCH_LIMIT);

/// The best `?2` of the first `?3` matches of `?1`; the rows (and issued
/// marks) are read for those only.
const RANKED_SQL: &str = concat!(
    "SELECT ",
    person_columns!(),
    " FROM (SELECT person_id, rank FROM (
                SELECT rowid AS person_id, rank FROM roster_search WHERE roster_search MATCH ?1 LIMIT ?3
            ) ORDER BY rank, person_id LIMIT ?2) AS hit
      JOIN roster_people AS p ON p.person_id = hit.person_id
      ORDER BY hit.rank, hit.person_id"
);

/// The first `?2` matches of `?1` in roster order. For the first keystroke:
/// bm25 reads every match of each word to weigh it, and a single letter
/// matches a large part of any roster (all of it, when every id starts
/// with the same letter), while ranking by one letter says nothing.
const FIRST_LETTERS_SQL: &str = concat!(
    "SELECT ",
    person_columns!(),
    " FROM (SELECT rowid AS person_id FROM roster_search WHERE roster_search MATCH ?1 LIMIT ?2) AS hit
      JOIN roster_people AS p ON p.person_id = hit.person_id
      ORDER BY p.person_id"
);

impl Roster {
    /// Up to `limit` people (at most [`MAX_SEARCH_LIMIT`]) matching every
    /// word of `text` as a prefix, best first; when every word is a single
    /// letter, in roster order. Text with no letter or digit finds nobody.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<RosterPerson>, RosterError> {
        let limit = i64::try_from(limit.min(MAX_SEARCH_LIMIT)).unwrap_or(0);
        let Some(query) = Query::parse(text).filter(|_| limit > 0) else {
            return Ok(Vec::new());
        };
        self.read(|connection| {
            let people = if query.ranked {
                let mut statement = connection.prepare_cached(RANKED_SQL)?;
                let rows = statement.query_map(
                    rusqlite::params![query.expression, limit, RANKED_CANDIDATES],
                    person_from_row,
                )?;
                rows.collect::<rusqlite::Result<_>>()?
            } else {
                let mut statement = connection.prepare_cached(FIRST_LETTERS_SQL)?;
                let rows =
                    statement.query_map(rusqlite::params![query.expression, limit], person_from_row)?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            Ok(people)
        })
    }
}

/// What was typed, as an FTS5 query.
#[derive(Debug, PartialEq, Eq)]
struct Query {
    expression: String,
    /// Whether any word is longer than a letter.
    ranked: bool,
}

impl Query {
    fn parse(text: &str) -> Option<Query> {
        let words: Vec<&str> = words(text).collect();
        Some(Query {
            expression: match_expression(&words)?,
            ranked: words.iter().any(|word| word.chars().nth(1).is_some()),
        })
    }
}

/// The words typed: control characters split them too, as FTS5 would
/// not read past a NUL.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .take(MAX_QUERY_WORDS)
}

/// Each word as a quoted prefix string, all of them required.
fn match_expression(words: &[&str]) -> Option<String> {
    let terms: Vec<String> = words
        .iter()
        .map(|word| {
            let word: String = word.chars().take(MAX_WORD_CHARS).collect();
            format!("\"{}\"*", word.replace('"', "\"\""))
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

#[cfg(test)]
mod tests {
    use super::Query;

    fn expression(text: &str) -> Option<String> {
        Query::parse(text).map(|query| query.expression)
    }

    #[test]
    fn each_word_is_a_quoted_prefix() {
        assert_eq!(expression("megan bo").as_deref(), Some(r#""megan"* "bo"*"#));
    }

    #[test]
    fn quotes_are_doubled_and_syntax_stays_text() {
        assert_eq!(
            expression(r#"a"b NEAR( -x"#).as_deref(),
            Some(r#""a""b"* "NEAR("* "-x"*"#)
        );
    }

    #[test]
    fn blank_or_punctuation_only_input_is_no_query() {
        assert_eq!(expression("  \t "), None);
        assert_eq!(expression(r#"" * - :"#), None);
        assert_eq!(expression("meg\0an").as_deref(), Some(r#""meg"* "an"*"#));
    }

    #[test]
    fn words_and_their_length_are_bounded() {
        let long = "x".repeat(10_000);
        assert_eq!(expression(&long).map(|e| e.len()), Some(64 + 3));
        let many = "a ".repeat(100);
        assert_eq!(expression(&many).map(|e| e.matches('*').count()), Some(8));
    }

    #[test]
    fn only_single_letters_go_unranked() {
        let ranked = |text| Query::parse(text).map(|query| query.ranked);
        assert_eq!(ranked("m"), Some(false));
        assert_eq!(ranked("m b"), Some(false));
        assert_eq!(ranked("ë"), Some(false));
        assert_eq!(ranked("me"), Some(true));
        assert_eq!(ranked("megan b"), Some(true));
    }
}
