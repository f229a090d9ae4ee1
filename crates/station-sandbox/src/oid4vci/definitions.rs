//! The credential definitions the sandbox issuer knows. A real issuer has
//! them configured in its admin console; the sandbox has a fixed few, enough
//! for a text-only badge, one with a photo, one in `jwt_vc_json` and one
//! that makes two exchange records. Each definition is one credential
//! configuration in the issuer metadata, with the same id.

/// The format a definition issues. Today's admin API takes the claims in
/// the carrier the format needs and refuses the other (iGrant's API guide,
/// 2026.09.01); seed 004's `type` + `credentialSubject` is the
/// `jwt_vc_json` carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialFormat {
    /// `dc+sd-jwt`: `credential.vct` + `credential.claims`.
    SdJwt,
    /// `jwt_vc_json`: `credential.type` + `credential.credentialSubject`.
    JwtVcJson,
}

impl CredentialFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialFormat::SdJwt => "dc+sd-jwt",
            CredentialFormat::JwtVcJson => "jwt_vc_json",
        }
    }

    /// The field of `credential` that carries the claims.
    pub fn claims_field(self) -> &'static str {
        match self {
            CredentialFormat::SdJwt => "claims",
            CredentialFormat::JwtVcJson => "credentialSubject",
        }
    }

    /// The field of `credential` that names the credential's type.
    pub fn type_field(self) -> &'static str {
        match self {
            CredentialFormat::SdJwt => "vct",
            CredentialFormat::JwtVcJson => "type",
        }
    }

    /// The carrier of the other format, which this one refuses.
    pub fn other(self) -> CredentialFormat {
        match self {
            CredentialFormat::SdJwt => CredentialFormat::JwtVcJson,
            CredentialFormat::JwtVcJson => CredentialFormat::SdJwt,
        }
    }
}

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

/// A credential the sandbox issues: an SD-JWT VC of type `vct`, or a JWT
/// VC of types `VerifiableCredential` and its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialDefinition {
    /// `credentialDefinitionId` in the admin API, and the credential
    /// configuration id in offers and metadata.
    pub id: &'static str,
    pub format: CredentialFormat,
    /// How many exchange records one issuance makes. With more than one,
    /// the admin API answers `credentialHistory` as an array. The sandbox
    /// keeps them as one exchange (one offer, one credential) and reports
    /// the further records as copies of the first under ids `{id}-2`, …:
    /// enough for a caller to meet the array form.
    pub exchange_records: u8,
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
        format: CredentialFormat::SdJwt,
        exchange_records: 1,
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
        format: CredentialFormat::SdJwt,
        exchange_records: 1,
        vct: "https://sandbox.issuance-station.example/StaffId",
        name: "Staff ID",
        description: "Identifies a member of staff; carries their photo.",
        claims: &[
            claim("given_name", "Given name", true),
            claim("family_name", "Family name", true),
            claim("photo", "Photo", false),
        ],
    },
    CredentialDefinition {
        id: "EventBadgeVc",
        format: CredentialFormat::JwtVcJson,
        exchange_records: 1,
        vct: "https://sandbox.issuance-station.example/EventBadgeVc",
        name: "Event badge (JWT VC)",
        description: "Admission to the event, as a W3C JWT VC.",
        claims: &[
            claim("given_name", "Given name", true),
            claim("family_name", "Family name", true),
            claim("company", "Company", false),
        ],
    },
    CredentialDefinition {
        id: "TwoDayPass",
        format: CredentialFormat::SdJwt,
        exchange_records: 2,
        vct: "https://sandbox.issuance-station.example/TwoDayPass",
        name: "Two-day pass",
        description: "Admission on both days; one exchange record per day.",
        claims: &[
            claim("given_name", "Given name", true),
            claim("family_name", "Family name", true),
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
