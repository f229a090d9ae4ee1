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

use std::collections::HashMap;

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

/// The identities the instance knows, indexed by id and by issuer and
/// identifier, so a station creating ten thousand remote issuances (each
/// naming a new identity) is not slowed by a scan per request.
#[derive(Debug, Default)]
pub(super) struct Directory {
    identities: Vec<Identity>,
    by_id: HashMap<Uuid, usize>,
    by_key: HashMap<(String, String), usize>,
}

impl Directory {
    pub(super) fn with_builtin_identities() -> Self {
        let mut directory = Self::default();
        for (id, identifier, name) in [
            (MEGAN, "megan.bowen", "Megan Bowen"),
            (ADELE, "adele.vance", "Adele Vance"),
            (ALEX, "alex.wilber", "Alex Wilber"),
        ] {
            directory.insert(Identity {
                id: fixed(id),
                issuer: BUILTIN_ISSUER.to_owned(),
                identifier: identifier.to_owned(),
                name: name.to_owned(),
            });
        }
        directory
    }

    /// Every identity, in the order they became known.
    pub(super) fn all(&self) -> &[Identity] {
        &self.identities
    }

    pub(super) fn get(&self, id: Uuid) -> Option<&Identity> {
        self.by_id.get(&id).and_then(|&index| self.identities.get(index))
    }

    fn find(&self, issuer: &str, identifier: &str) -> Option<&Identity> {
        self.by_key
            .get(&(issuer.to_owned(), identifier.to_owned()))
            .and_then(|&index| self.identities.get(index))
    }

    fn insert(&mut self, identity: Identity) {
        let index = self.identities.len();
        self.by_id.insert(identity.id, index);
        self.by_key
            .insert((identity.issuer.clone(), identity.identifier.clone()), index);
        self.identities.push(identity);
    }

    /// The identity `input` describes: the stored one with its issuer and
    /// identifier, renamed as given, or a new one.
    fn upsert(&mut self, input: IdentityInput) -> Identity {
        let key = (input.issuer, input.identifier);
        if let Some(existing) = self
            .by_key
            .get(&key)
            .and_then(|&index| self.identities.get_mut(index))
        {
            existing.name = input.name;
            return existing.clone();
        }
        let (issuer, identifier) = key;
        let identity = Identity {
            id: Uuid::new_v4(),
            issuer,
            identifier,
            name: input.name,
        };
        self.insert(identity.clone());
        identity
    }
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
            Self::Described(input) => store
                .identities
                .find(&input.issuer, &input.identifier)
                .map(|i| i.id),
        }
    }

    /// Stores a described identity and returns it as stored.
    pub(super) fn resolve(self, store: &mut Store) -> Identity {
        match self {
            Self::Known(identity) => identity,
            Self::Described(input) => store.identities.upsert(input),
        }
    }
}

pub(super) fn identity(store: &Store, id: Uuid) -> Option<Identity> {
    store.identities.get(id).cloned()
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

    #[test]
    fn a_described_identity_is_found_again_by_issuer_and_identifier() {
        let mut directory = Directory::with_builtin_identities();
        let input = |name: &str| IdentityInput {
            issuer: "Issuance Station".into(),
            identifier: "job-1".into(),
            name: name.into(),
        };
        let first = directory.upsert(input("Megan"));
        let again = directory.upsert(input("Megan Bowen"));
        assert_eq!(first.id, again.id);
        assert_eq!(directory.get(first.id).unwrap().name, "Megan Bowen");
        assert_eq!(directory.all().len(), 4);
        assert_eq!(directory.get(fixed(MEGAN)).unwrap().identifier, "megan.bowen");
    }
}
