//! The credential definitions the sandbox issuer knows. A real issuer has
//! them configured in its admin console; the sandbox has a fixed few, enough
//! for a text-only badge and one with a photo. Each definition is one
//! credential configuration in the issuer metadata, with the same id.

/// One claim of a definition; every claim is selectively disclosable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimDefinition {
    /// The claim's name in `credentialSubject` and in the SD-JWT.
    pub name: &'static str,
    /// The label wallets show.
    pub label: &'static str,
    /// Must be present when the claims are supplied.
    pub mandatory: bool,
}

/// A credential the sandbox issues: SD-JWT VC (`dc+sd-jwt`) of type `vct`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialDefinition {
    /// `credentialDefinitionId` in the admin API, and the credential
    /// configuration id in offers and metadata.
    pub id: &'static str,
    pub vct: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub claims: &'static [ClaimDefinition],
}

impl CredentialDefinition {
    pub fn claim(&self, name: &str) -> Option<&'static ClaimDefinition> {
        self.claims.iter().find(|claim| claim.name == name)
    }
}

const fn claim(name: &'static str, label: &'static str, mandatory: bool) -> ClaimDefinition {
    ClaimDefinition {
        name,
        label,
        mandatory,
    }
}

/// Every definition the sandbox issuer offers.
pub const DEFINITIONS: &[CredentialDefinition] = &[
    CredentialDefinition {
        id: "EventBadge",
        vct: "https://sandbox.issuance-station.example/EventBadge",
        name: "Event badge",
        description: "Admission to the event, issued at the registration desk.",
        claims: &[
            claim("given_name", "Given name", true),
            claim("family_name", "Family name", true),
            claim("company", "Company", false),
        ],
    },
    CredentialDefinition {
        id: "StaffId",
        vct: "https://sandbox.issuance-station.example/StaffId",
        name: "Staff ID",
        description: "Identifies a member of staff; carries their photo.",
        claims: &[
            claim("given_name", "Given name", true),
            claim("family_name", "Family name", true),
            claim("photo", "Photo", false),
        ],
    },
];

/// The definition with this id, if the sandbox has one.
pub fn definition(id: &str) -> Option<&'static CredentialDefinition> {
    DEFINITIONS.iter().find(|definition| definition.id == id)
}

/// The definition a `credential.type` names, by id or by vct; a list of
/// types (`["VerifiableCredential", "EventBadge"]`) names the first it knows.
pub(crate) fn definition_for_type(
    credential_type: &serde_json::Value,
) -> Option<&'static CredentialDefinition> {
    let by_name = |name: &str| DEFINITIONS.iter().find(|d| d.id == name || d.vct == name);
    match credential_type {
        serde_json::Value::String(name) => by_name(name),
        serde_json::Value::Array(names) => names.iter().filter_map(|name| name.as_str()).find_map(by_name),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_definitions_by_id_type_or_vct() {
        assert_eq!(definition("EventBadge").map(|d| d.id), Some("EventBadge"));
        assert!(definition("eventbadge").is_none());
        let by_list = definition_for_type(&json!(["VerifiableCredential", "StaffId"]));
        assert_eq!(by_list.map(|d| d.id), Some("StaffId"));
        let by_vct = definition_for_type(&json!("https://sandbox.issuance-station.example/EventBadge"));
        assert_eq!(by_vct.map(|d| d.id), Some("EventBadge"));
        assert!(definition_for_type(&json!(42)).is_none());
    }
}
