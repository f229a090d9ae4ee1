//! The instance's fixed catalogue: two contracts, one per face-check case,
//! and a few identities. Readable ids (`EventBadge`, `identity-megan`)
//! stand in for VO's UUIDs so tests and demos can name them.
//!
//! - `EventBadge`: no photo; claims `given_name`, `family_name`, `company`.
//! - `StaffId`: Face Check photo required; claims `given_name`, `family_name`.

use async_graphql::{ErrorExtensions, ID};

use super::types::{Contract, FaceCheckPhotoSupport, Identity, IdentityInput};
use super::Store;

/// The issuer the built-in identities come from.
const BUILTIN_ISSUER: &str = "https://sandbox.issuance-station.example/identities";

/// The application (VO "user") every sandbox request is issued by.
pub(super) const ISSUED_BY_ID: &str = "sandbox-app";

pub(super) fn contracts() -> Vec<Contract> {
    vec![
        Contract {
            id: ID::from("EventBadge"),
            name: "Event badge".to_owned(),
            credential_types: vec!["EventBadge".to_owned()],
            face_check_support: FaceCheckPhotoSupport::None,
            required_claims: vec!["given_name", "family_name", "company"],
            optional_claims: vec![],
        },
        Contract {
            id: ID::from("StaffId"),
            name: "Staff ID".to_owned(),
            credential_types: vec!["StaffId".to_owned()],
            face_check_support: FaceCheckPhotoSupport::Required,
            required_claims: vec!["given_name", "family_name"],
            optional_claims: vec![],
        },
    ]
}

pub(super) fn contract(id: &str) -> Option<Contract> {
    contracts().into_iter().find(|c| c.id.as_str() == id)
}

pub(super) fn builtin_identities() -> Vec<Identity> {
    [
        ("identity-megan", "megan.bowen", "Megan Bowen"),
        ("identity-adele", "adele.vance", "Adele Vance"),
        ("identity-alex", "alex.wilber", "Alex Wilber"),
    ]
    .into_iter()
    .map(|(id, identifier, name)| Identity {
        id: ID::from(id),
        issuer: BUILTIN_ISSUER.to_owned(),
        identifier: identifier.to_owned(),
        name: name.to_owned(),
    })
    .collect()
}

/// Who a request is for: a known identity, or one described inline that
/// VO creates (or updates, matched by issuer and identifier) on use.
#[derive(Debug, Clone)]
pub(super) enum Recipient {
    Known(Identity),
    Described(IdentityInput),
}

impl Recipient {
    /// The id the identity has or will have; a described identity that
    /// matches a stored one takes its id.
    pub(super) fn id_in(&self, store: &Store) -> Option<String> {
        match self {
            Self::Known(identity) => Some(identity.id.to_string()),
            Self::Described(input) => find_described(store, input).map(|i| i.id.to_string()),
        }
    }

    /// Stores a described identity and returns it as stored.
    pub(super) fn resolve(self, store: &mut Store) -> Identity {
        match self {
            Self::Known(identity) => identity,
            Self::Described(input) => {
                if let Some(existing) = store
                    .identities
                    .iter_mut()
                    .find(|i| i.issuer == input.issuer && i.identifier == input.identifier)
                {
                    existing.name = input.name;
                    return existing.clone();
                }
                let identity = Identity {
                    id: ID::from(format!("identity-{}", uuid::Uuid::new_v4())),
                    issuer: input.issuer,
                    identifier: input.identifier,
                    name: input.name,
                };
                store.identities.push(identity.clone());
                identity
            }
        }
    }
}

fn find_described<'a>(store: &'a Store, input: &IdentityInput) -> Option<&'a Identity> {
    store
        .identities
        .iter()
        .find(|i| i.issuer == input.issuer && i.identifier == input.identifier)
}

pub(super) fn identity(store: &Store, id: &str) -> Option<Identity> {
    store.identities.iter().find(|i| i.id.as_str() == id).cloned()
}

/// `saveIdentity`: the identity `input` describes, created or updated
/// (matched by issuer and identifier) as an issuance naming it inline would.
pub(super) fn save(state: &crate::state::AppState, input: IdentityInput) -> async_graphql::Result<Identity> {
    for (field, value) in [
        ("issuer", &input.issuer),
        ("identifier", &input.identifier),
        ("name", &input.name),
    ] {
        if value.trim().is_empty() {
            return Err(
                async_graphql::Error::new(format!("Field '{field}' must not be empty."))
                    .extend_with(|_, ext| ext.set("code", "BAD_USER_INPUT")),
            );
        }
    }
    Ok(Recipient::Described(input).resolve(&mut state.orchestration.lock()))
}
