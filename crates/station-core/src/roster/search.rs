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

const SEARCH_SQL: &str = concat!(
    "SELECT ",
    person_columns!(),
    " FROM (SELECT rowid AS person_id, rank FROM roster_search WHERE roster_search MATCH ?1
           ORDER BY rank LIMIT ?2) AS hit
      JOIN roster_people AS p ON p.person_id = hit.person_id
      ORDER BY hit.rank, p.person_id"
);

impl Roster {
    /// Up to `limit` people (at most [`MAX_SEARCH_LIMIT`]) matching every
    /// word of `text` as a prefix, best first. Text with no letter or digit
    /// finds nobody.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<RosterPerson>, RosterError> {
        let limit = limit.min(MAX_SEARCH_LIMIT);
        let Some(expression) = match_expression(text) else {
            return Ok(Vec::new());
        };
        if limit == 0 {
            return Ok(Vec::new());
        }
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(|connection| {
            let mut statement = connection.prepare_cached(SEARCH_SQL)?;
            let people = statement.query_map(rusqlite::params![expression, limit], person_from_row)?;
            people.collect()
        })
    }
}

/// The FTS5 query for `text`: each word as a quoted prefix string, all of
/// them required. Control characters split words, as FTS5 would not read
/// past a NUL.
fn match_expression(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .take(MAX_QUERY_WORDS)
        .map(|word| {
            let word: String = word.chars().take(MAX_WORD_CHARS).collect();
            format!("\"{}\"*", word.replace('"', "\"\""))
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

#[cfg(test)]
mod tests {
    use super::match_expression;

    #[test]
    fn each_word_is_a_quoted_prefix() {
        assert_eq!(match_expression("megan bo").as_deref(), Some(r#""megan"* "bo"*"#));
    }

    #[test]
    fn quotes_are_doubled_and_syntax_stays_text() {
        assert_eq!(
            match_expression(r#"a"b NEAR( -x"#).as_deref(),
            Some(r#""a""b"* "NEAR("* "-x"*"#)
        );
    }

    #[test]
    fn blank_or_punctuation_only_input_is_no_query() {
        assert_eq!(match_expression("  \t "), None);
        assert_eq!(match_expression(r#"" * - :"#), None);
    }

    #[test]
    fn words_and_their_length_are_bounded() {
        let long = "x".repeat(10_000);
        assert_eq!(match_expression(&long).map(|e| e.len()), Some(64 + 3));
        let many = "a ".repeat(100);
        assert_eq!(match_expression(&many).map(|e| e.matches('*').count()), Some(8));
    }
}
