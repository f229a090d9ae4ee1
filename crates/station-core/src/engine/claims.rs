//! The recipient's details, checked against the template before anything is
//! issued or queued: what is missing or unknown is said per field.

use serde::Serialize;

use crate::provider::Claims;

/// One field of the recipient form that needs fixing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimProblem {
    pub claim: String,
    pub problem: String,
}

pub(super) fn describe_claim_problems(problems: &[ClaimProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("'{}' {}", p.claim, p.problem))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks the recipient's claims against the template: required ones
/// present, no unknown ones; values trimmed.
pub fn validate_claims(
    template: &crate::config::IssuanceTemplate,
    claims: &Claims,
) -> Result<Claims, Vec<ClaimProblem>> {
    let mut problems = Vec::new();
    let mut clean = Claims::new();
    for name in claims.keys() {
        if !template.claims.iter().any(|field| &field.name == name) {
            let known = template
                .claims
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            problems.push(ClaimProblem {
                claim: name.clone(),
                problem: format!("is not a claim of template '{}' (it has: {known})", template.name),
            });
        }
    }
    for field in &template.claims {
        let value = claims.get(&field.name).map(|v| v.trim()).unwrap_or_default();
        if value.is_empty() {
            if field.required {
                problems.push(ClaimProblem {
                    claim: field.name.clone(),
                    problem: format!("is required ({})", field.label),
                });
            }
            continue;
        }
        clean.insert(field.name.clone(), value.to_owned());
    }
    if problems.is_empty() {
        Ok(clean)
    } else {
        Err(problems)
    }
}
