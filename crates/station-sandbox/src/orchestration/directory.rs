//! The instance's fixed catalogue: two contracts, one per face-check case,
//! and a few identities. Their ids are UUIDs, as every id in VO's schema
//! is, so a station that sends a name where an id belongs is refused here
//! as a real instance refuses it; they are fixed, and spelled so a reader
//! can tell them apart (`c0…01` is a contract, `1d…01` an identity), so
//! tests and configs can name them.
//!
//! - `EventBadge` ([`EVENT_BADGE`]): no photo; claims `given_name`,
//!   `family_name`, `company`.
//! - `StaffId` ([`STAFF_ID`]): Face Check photo required; claims
//!   `given_name`, `family_name`.

use async_graphql::ErrorExtensions;

use super::scalars::Uuid;
use super::types::{Contract, FaceCheckPhotoSupport, Identity, IdentityInput};
use super::Store;

/// The `EventBadge` contract's id.
pub const EVENT_BADGE: &str = "c0000000-0000-4000-8000-000000000001";
/// The `StaffId` contract's id.
pub const STAFF_ID: &str = "c0000000-0000-4000-8000-000000000002";
/// The built-in identities' ids: Megan Bowen, Adele Vance, Alex Wilber.
pub const MEGAN: &str = "1d000000-0000-4000-8000-000000000001";
pub const ADELE: &str = "1d000000-0000-4000-8000-000000000002";
pub const ALEX: &str = "1d000000-0000-4000-8000-000000000003";

/// The issuer the built-in identities come from.
const BUILTIN_ISSUER: &str = "https://sandbox.issuance-station.example/identities";

/// The application (VO "user") every sandbox request is issued by.
pub(super) const ISSUED_BY_ID: &str = "a0000000-0000-4000-8000-000000000001";

/// One of the constants above; they are all UUIDs, which a unit test checks.
fn fixed(id: &str) -> Uuid {
    Uuid::parse(id).unwrap_or(Uuid(uuid::Uuid::nil()))
}

pub(super) fn issued_by_id() -> Uuid {
    fixed(ISSUED_BY_ID)
}

pub(super) fn contracts() -> Vec<Contract> {
    vec![
        Contract {
            id: fixed(EVENT_BADGE),
            name: "Event badge".to_owned(),
            credential_types: vec!["EventBadge".to_owned()],
            face_check_support: FaceCheckPhotoSupport::None,
            required_claims: vec!["given_name", "family_name", "company"],
            optional_claims: vec![],
        },
        Contract {
            id: fixed(STAFF_ID),
            name: "Staff ID".to_owned(),
            credential_types: vec!["StaffId".to_owned()],
            face_check_support: FaceCheckPhotoSupport::Required,
            required_claims: vec!["given_name", "family_name"],
            optional_claims: vec![],
        },
    ]
}

pub(super) fn contract(id: Uuid) -> Option<Contract> {
    contracts().into_iter().find(|c| c.id == id)
}

pub(super) fn builtin_identities() -> Vec<Identity> {
    [
        (MEGAN, "megan.bowen", "Megan Bowen"),
        (ADELE, "adele.vance", "Adele Vance"),
        (ALEX, "alex.wilber", "Alex Wilber"),
    ]
    .into_iter()
    .map(|(id, identifier, name)| Identity {
        id: fixed(id),
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
    pub(super) fn id_in(&self, store: &Store) -> Option<Uuid> {
        match self {
            Self::Known(identity) => Some(identity.id),
            Self::Described(input) => find_described(store, input).map(|i| i.id),
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
                    id: Uuid::new_v4(),
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

pub(super) fn identity(store: &Store, id: Uuid) -> Option<Identity> {
    store.identities.iter().find(|i| i.id == id).cloned()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fixed_id_is_a_uuid() {
        for id in [EVENT_BADGE, STAFF_ID, MEGAN, ADELE, ALEX, ISSUED_BY_ID] {
            assert!(Uuid::parse(id).is_some(), "{id}");
        }
    }
}
