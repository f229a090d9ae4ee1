//! Which CSV column fills which claim of the template, and which one holds
//! the person's own id.
//!
//! By default a column whose header is a claim's name or label (ignoring
//! case and surrounding spaces) fills that claim, and a column headed `id`
//! holds the external id. Explicit `column=claim` pairs come first: a claim
//! (or `id`) named by a pair takes no column by default.

use std::collections::BTreeMap;

use crate::config::IssuanceTemplate;

use super::report::Problem;
use super::RosterError;

/// The target that is not a claim: the person's id in the organiser's own
/// list, unique in the roster.
pub const EXTERNAL_ID: &str = "id";

/// What a column fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Target {
    ExternalId,
    /// The index of the claim in the template's `claims`.
    Claim(usize),
}

/// The explicit `column=claim` pairs; the default is none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMapping {
    pairs: Vec<(String, String)>,
}

impl ColumnMapping {
    /// Reads `column=claim` pairs, e.g. `Surname=family_name` or
    /// `Ticket=id`. The claim is split off at the last `=`, so a column name
    /// may itself contain one.
    pub fn parse<S: AsRef<str>>(pairs: &[S]) -> Result<ColumnMapping, RosterError> {
        let mut parsed: Vec<(String, String)> = Vec::with_capacity(pairs.len());
        for pair in pairs {
            let pair = pair.as_ref();
            let bad = |fix: &str| RosterError::BadMapping {
                pair: pair.to_owned(),
                fix: fix.to_owned(),
            };
            let (column, target) = pair
                .rsplit_once('=')
                .map(|(column, target)| (column.trim(), target.trim()))
                .filter(|(column, target)| !column.is_empty() && !target.is_empty())
                .ok_or_else(|| bad("write it as column=claim, e.g. Surname=family_name"))?;
            if parsed.iter().any(|(c, _)| same_name(c, column)) {
                return Err(bad("map each column once"));
            }
            if parsed.iter().any(|(_, t)| same_name(t, target)) {
                return Err(bad("map one column to each claim"));
            }
            parsed.push((column.to_owned(), target.to_owned()));
        }
        Ok(ColumnMapping { pairs: parsed })
    }
}

/// The mapping applied to one file's header.
#[derive(Debug)]
pub(super) struct Resolved {
    /// Column index and what it fills, in column order.
    pub columns: Vec<(usize, Target)>,
    /// The headers of the columns that fill nothing.
    pub ignored: Vec<String>,
}

/// Applies `mapping` and the default to `headers`, or says every reason it
/// cannot be applied.
pub(super) fn resolve(
    headers: &[String],
    template: &IssuanceTemplate,
    mapping: &ColumnMapping,
) -> Result<Resolved, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut assigned: Vec<Option<Target>> = vec![None; headers.len()];
    // A target named by a pair takes no column by default, and is not
    // reported unmapped when its pair's column is the problem.
    let mut explicit_targets = Vec::new();
    for (column, target_name) in &mapping.pairs {
        let target = target_named(template, target_name);
        match target {
            Some(target) => explicit_targets.push(target),
            None => problems.push(Problem::UnknownClaim {
                claim: target_name.clone(),
                template: template.name.clone(),
                claims: template.claims.iter().map(|c| c.name.clone()).collect(),
            }),
        }
        let matching: Vec<usize> = (0..headers.len())
            .filter(|&i| same_name(&headers[i], column))
            .collect();
        match matching.as_slice() {
            [] => problems.push(Problem::MissingColumn {
                column: column.clone(),
                columns: headers.to_vec(),
            }),
            [index] => assigned[*index] = target,
            _ => problems.push(Problem::AmbiguousColumn {
                column: column.clone(),
            }),
        }
    }
    for (index, header) in headers.iter().enumerate() {
        if !mapping.pairs.iter().any(|(column, _)| same_name(column, header)) {
            assigned[index] = target_named(template, header).filter(|t| !explicit_targets.contains(t));
        }
    }
    let mut columns_by_target: BTreeMap<Target, Vec<usize>> = BTreeMap::new();
    for (index, target) in assigned.iter().enumerate() {
        if let Some(target) = target {
            columns_by_target.entry(*target).or_default().push(index);
        }
    }
    for (target, columns) in &columns_by_target {
        if columns.len() > 1 {
            problems.push(Problem::SharedTarget {
                target: target_name(template, *target),
                columns: columns.iter().map(|&i| headers[i].clone()).collect(),
            });
        }
    }
    for (index, claim) in template.claims.iter().enumerate() {
        let target = Target::Claim(index);
        if claim.required && !columns_by_target.contains_key(&target) && !explicit_targets.contains(&target) {
            problems.push(Problem::UnmappedRequired {
                claim: claim.name.clone(),
                label: claim.label.clone(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let ignored = headers
        .iter()
        .zip(&assigned)
        .filter(|(_, target)| target.is_none())
        .map(|(header, _)| header.clone())
        .collect();
    let columns = assigned
        .iter()
        .enumerate()
        .filter_map(|(index, target)| target.map(|t| (index, t)))
        .collect();
    Ok(Resolved { columns, ignored })
}

/// `id`, or the claim with this name, else the one with this label.
fn target_named(template: &IssuanceTemplate, name: &str) -> Option<Target> {
    if same_name(name, EXTERNAL_ID) {
        return Some(Target::ExternalId);
    }
    let claims = &template.claims;
    claims
        .iter()
        .position(|c| same_name(&c.name, name))
        .or_else(|| claims.iter().position(|c| same_name(&c.label, name)))
        .map(Target::Claim)
}

pub(super) fn target_name(template: &IssuanceTemplate, target: Target) -> String {
    match target {
        Target::ExternalId => EXTERNAL_ID.to_owned(),
        Target::Claim(index) => template
            .claims
            .get(index)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
    }
}

/// Headers are typed by people: `Given_Name `, `given-name` and
/// `Given name` are all `given_name`.
fn same_name(a: &str, b: &str) -> bool {
    let words = |name: &str| {
        name.split(|c: char| c.is_whitespace() || c == '_' || c == '-')
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    words(a) == words(b)
}
