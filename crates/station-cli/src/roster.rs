//! `station roster`: import the attendee list for a template from a CSV
//! file, and find people in it.

use std::path::Path;

use clap::Subcommand;
use station_core::config::{IssuanceTemplate, Template};
use station_core::roster::{ColumnMapping, Roster, RosterPerson, DEFAULT_SEARCH_LIMIT};
use station_core::Engine;

#[derive(Subcommand)]
pub enum RosterAction {
    /// Import people from a CSV file for an issuance template: every row, or none if any is bad.
    Import {
        /// The CSV file (UTF-8, comma-separated); its first line names the columns.
        csv: std::path::PathBuf,
        /// The issuance template whose claims the columns fill.
        #[arg(long)]
        template: String,
        /// Which column fills which claim, as column=claim, or column=id for the person's own
        /// id; repeat for each. Without it a column named like a claim (or its label) fills it.
        #[arg(long = "map")]
        map: Vec<String>,
    },
    /// Find people: each word is the start of a word in their claims or id.
    Search {
        #[arg(required = true)]
        text: Vec<String>,
        #[arg(long, default_value_t = DEFAULT_SEARCH_LIMIT)]
        limit: usize,
    },
}

pub fn run(engine: &Engine, action: RosterAction) -> Result<u8, String> {
    let roster = engine.roster();
    match action {
        RosterAction::Import { csv, template, map } => {
            import(roster, &csv, issuance_template(engine, &template)?, &map)
        }
        RosterAction::Search { text, limit } => search(roster, &text.join(" "), limit),
    }
}

fn issuance_template<'e>(engine: &'e Engine, name: &str) -> Result<&'e IssuanceTemplate, String> {
    let templates = &engine.config().templates;
    match templates.get(name) {
        Some(Template::Issuance(template)) => Ok(template),
        found => {
            let issuance: Vec<&str> = templates
                .iter()
                .filter(|(_, t)| matches!(t, Template::Issuance(_)))
                .map(|(name, _)| name.as_str())
                .collect();
            let why = match found {
                Some(_) => format!("'{name}' checks credentials, it does not issue them"),
                None => format!("there is no template '{name}'"),
            };
            Err(format!(
                "{why}; import for an issuance template: {}",
                issuance.join(", ")
            ))
        }
    }
}

fn import(roster: &Roster, path: &Path, template: &IssuanceTemplate, map: &[String]) -> Result<u8, String> {
    let mapping = ColumnMapping::parse(map).map_err(|e| e.to_string())?;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let source = path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let report = roster
        .import(file, &source, template, &mapping)
        .map_err(|e| e.to_string())?;
    if report.succeeded() {
        println!(
            "Imported {} people for template '{}' from {source}.",
            report.imported, template.name
        );
        if !report.ignored_columns.is_empty() {
            println!(
                "Ignored columns (they fill no claim): {}",
                report.ignored_columns.join(", ")
            );
        }
        return Ok(0);
    }
    println!("Nothing was imported from {source}:");
    for problem in &report.problems {
        println!("  {problem}");
    }
    if report.unlisted_problems > 0 {
        println!("  … and {} more problems", report.unlisted_problems);
    }
    Err(format!(
        "nothing was imported; fix what is listed above and import {source} again"
    ))
}

fn search(roster: &Roster, text: &str, limit: usize) -> Result<u8, String> {
    let people = roster.search(text, limit).map_err(|e| e.to_string())?;
    if people.is_empty() {
        eprintln!(
            "Nobody in the roster ({} people) matches.",
            roster.count().map_err(|e| e.to_string())?
        );
    }
    for person in &people {
        println!("{}", line(person));
    }
    Ok(0)
}

/// `#12  A001  company: Contoso, family_name: Bowen, given_name: Megan  (already issued: badge)`
fn line(person: &RosterPerson) -> String {
    let claims: Vec<String> = person
        .claims
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect();
    let mut line = format!(
        "#{:<6} {:<10} {}",
        person.person_id,
        person.external_id.as_deref().unwrap_or("-"),
        claims.join(", ")
    );
    if !person.issued_templates.is_empty() {
        line.push_str(&format!(
            "  (already issued: {})",
            person.issued_templates.join(", ")
        ));
    }
    line
}
