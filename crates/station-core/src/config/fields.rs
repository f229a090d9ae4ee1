//! Which fields each kind of service and of template takes: the one table
//! that the validation, its messages and the Settings editor all read, so a
//! field is given to a kind in one place.

use serde::de::value::StrDeserializer;
use serde::de::{DeserializeOwned, IntoDeserializer};
use serde::Deserialize;

use ServiceType::{Entra, Oid4vci, Orchestration};

/// The services a station issues through, as the table knows them: the
/// preview Entra API takes the same fields as the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServiceType {
    Entra,
    Orchestration,
    Oid4vci,
}

/// What a service table says in `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) enum ServiceKindName {
    #[serde(rename = "entra")]
    Entra,
    #[serde(rename = "entra-preview")]
    EntraPreview,
    #[serde(rename = "orchestration")]
    Orchestration,
    #[serde(rename = "oid4vci")]
    Oid4vci,
}

/// What a template table says in `kind` (issuance, when it says nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TemplateKind {
    Issuance,
    Presentation,
}

/// A field of `[services.<name>]` and the services that take it.
pub(crate) struct ServiceField {
    pub(crate) name: &'static str,
    pub(crate) services: &'static [ServiceType],
}

/// Which issuance templates take a field, by the service they name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Issuance {
    /// The field is the presentation's alone.
    No,
    AnyService,
    /// The field says which credential this service issues; another
    /// service would ignore it, so the validation refuses it there.
    Only(ServiceType),
}

/// A field of `[templates.<name>]` and the templates that take it.
pub(crate) struct TemplateField {
    pub(crate) name: &'static str,
    pub(crate) issuance: Issuance,
    pub(crate) presentation: bool,
}

/// The fields only some services take (every service takes `kind` and
/// `sandbox`). Messages list a kind's fields, and name the first misplaced
/// one, in this order.
pub(crate) const SERVICE_FIELDS: [ServiceField; 12] = [
    ServiceField::of("tenant", &[Entra]),
    ServiceField::of("client_id", &[Entra, Orchestration]),
    ServiceField::of("authority_host", &[Entra]),
    ServiceField::of("api_base", &[Entra, Oid4vci]),
    ServiceField::of("scope", &[Entra, Orchestration]),
    ServiceField::of("api_url", &[Orchestration]),
    ServiceField::of("ws_url", &[Orchestration]),
    ServiceField::of("token_url", &[Orchestration]),
    ServiceField::of("events", &[Orchestration]),
    ServiceField::of("poll_interval_ms", &[Orchestration, Oid4vci]),
    ServiceField::of("offer_lifetime_secs", &[Oid4vci]),
    ServiceField::of("url_scheme", &[Oid4vci]),
];

/// The fields only some templates take (every template takes `kind`,
/// `service`, `display_name`, `credential_type` and `client_name`, which
/// only Entra uses and the others ignore), in the order messages name the
/// first misplaced one.
pub(crate) const TEMPLATE_FIELDS: [TemplateField; 18] = [
    TemplateField::issuance("manifest", Issuance::Only(Entra)),
    // A presentation is always Entra's: it names the verifier's DID.
    TemplateField::both("authority", Issuance::Only(Entra)),
    TemplateField::issuance("contract_id", Issuance::Only(Orchestration)),
    TemplateField::issuance("credential_definition_id", Issuance::Only(Oid4vci)),
    TemplateField::issuance("issuance_mode", Issuance::Only(Oid4vci)),
    TemplateField::issuance("credential_format", Issuance::Only(Oid4vci)),
    TemplateField::issuance("pin_length", Issuance::AnyService),
    TemplateField::issuance("pin_hashed", Issuance::AnyService),
    TemplateField::issuance("claims", Issuance::AnyService),
    TemplateField::issuance("photo_claim", Issuance::AnyService),
    TemplateField::issuance("badge", Issuance::AnyService),
    TemplateField::presentation("purpose"),
    TemplateField::presentation("accepted_issuers"),
    TemplateField::presentation("allow_revoked"),
    TemplateField::presentation("validate_linked_domain"),
    TemplateField::presentation("include_receipt"),
    TemplateField::presentation("constraints"),
    TemplateField::presentation("face_check"),
];

impl ServiceField {
    const fn of(name: &'static str, services: &'static [ServiceType]) -> ServiceField {
        ServiceField { name, services }
    }
}

impl TemplateField {
    const fn issuance(name: &'static str, issuance: Issuance) -> TemplateField {
        TemplateField {
            name,
            issuance,
            presentation: false,
        }
    }

    const fn presentation(name: &'static str) -> TemplateField {
        TemplateField {
            name,
            issuance: Issuance::No,
            presentation: true,
        }
    }

    const fn both(name: &'static str, issuance: Issuance) -> TemplateField {
        TemplateField {
            name,
            issuance,
            presentation: true,
        }
    }
}

impl ServiceType {
    /// How messages name it: "does not apply to an Entra service".
    pub(crate) fn described(self) -> &'static str {
        match self {
            Entra => "an Entra",
            Orchestration => "a Verified Orchestration",
            Oid4vci => "an OID4VCI",
        }
    }

    /// The `kind` of a service table Settings creates for it.
    pub(crate) fn kind(self) -> ServiceKindName {
        match self {
            Entra => ServiceKindName::Entra,
            Orchestration => ServiceKindName::Orchestration,
            Oid4vci => ServiceKindName::Oid4vci,
        }
    }

    /// The fields of [`SERVICE_FIELDS`] this service takes.
    pub(crate) fn service_fields(self) -> impl Iterator<Item = &'static str> {
        SERVICE_FIELDS
            .iter()
            .filter(move |f| f.services.contains(&self))
            .map(|f| f.name)
    }

    /// The fields of [`SERVICE_FIELDS`] only other services take.
    pub(crate) fn foreign_service_fields(self) -> impl Iterator<Item = &'static str> {
        SERVICE_FIELDS
            .iter()
            .filter(move |f| !f.services.contains(&self))
            .map(|f| f.name)
    }

    /// The fields that say which credential this service issues.
    pub(crate) fn target_fields(self) -> impl Iterator<Item = &'static str> {
        TEMPLATE_FIELDS
            .iter()
            .filter(move |f| f.issuance == Issuance::Only(self))
            .map(|f| f.name)
    }

    /// The fields that say which credential another service issues.
    pub(crate) fn foreign_target_fields(self) -> impl Iterator<Item = &'static str> {
        TEMPLATE_FIELDS
            .iter()
            .filter(move |f| matches!(f.issuance, Issuance::Only(other) if other != self))
            .map(|f| f.name)
    }
}

impl ServiceKindName {
    /// As written in the file; serde's names (checked by a test).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ServiceKindName::Entra => "entra",
            ServiceKindName::EntraPreview => "entra-preview",
            ServiceKindName::Orchestration => "orchestration",
            ServiceKindName::Oid4vci => "oid4vci",
        }
    }

    pub(crate) fn service_type(self) -> ServiceType {
        match self {
            ServiceKindName::Entra | ServiceKindName::EntraPreview => Entra,
            ServiceKindName::Orchestration => Orchestration,
            ServiceKindName::Oid4vci => Oid4vci,
        }
    }
}

impl TemplateKind {
    /// As written in the file; serde's names (checked by a test).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TemplateKind::Issuance => "issuance",
            TemplateKind::Presentation => "presentation",
        }
    }

    /// The fields of [`TEMPLATE_FIELDS`] only the other kind takes.
    pub(crate) fn foreign_fields(self) -> impl Iterator<Item = &'static str> {
        TEMPLATE_FIELDS
            .iter()
            .filter(move |f| match self {
                TemplateKind::Issuance => f.issuance == Issuance::No,
                TemplateKind::Presentation => !f.presentation,
            })
            .map(|f| f.name)
    }
}

/// The kind serde reads from `text`, if it is one.
pub(crate) fn named<K: DeserializeOwned>(text: &str) -> Option<K> {
    let text: StrDeserializer<'_, serde::de::value::Error> = text.into_deserializer();
    K::deserialize(text).ok()
}

#[cfg(test)]
mod tests {
    use serde::de::{self, Visitor};

    use super::*;
    use crate::config::raw::{RawService, RawTemplate};

    /// The names serde reads a struct's fields or an enum's variants by:
    /// the list its derive hands the deserializer.
    fn serde_names<T: DeserializeOwned>() -> &'static [&'static str] {
        struct Catch<'a>(&'a mut &'static [&'static str]);
        impl<'de> de::Deserializer<'de> for Catch<'_> {
            type Error = de::value::Error;
            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
                Err(de::Error::custom("neither a struct nor an enum"))
            }
            fn deserialize_struct<V: Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Self::Error> {
                *self.0 = fields;
                Err(de::Error::custom("caught"))
            }
            fn deserialize_enum<V: Visitor<'de>>(
                self,
                _: &'static str,
                variants: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Self::Error> {
                *self.0 = variants;
                Err(de::Error::custom("caught"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
                byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
                identifier ignored_any
            }
        }
        let mut names: &'static [&'static str] = &[];
        let _ = T::deserialize(Catch(&mut names));
        assert!(!names.is_empty(), "serde named nothing");
        names
    }

    /// The first of these values a field takes, as TOML.
    const SAMPLE_VALUES: [&str; 7] = [
        "\"x\"",
        "1",
        "true",
        "[\"x\"]",
        "[{ name = \"a\" }]",
        "[{ claim = \"a\", contains = \"b\" }]",
        "{ source_photo_claim = \"p\" }",
    ];

    /// `T` read from `base` plus `field` set to the first value it takes.
    fn with_field<T: DeserializeOwned>(base: &str, field: &str) -> T {
        SAMPLE_VALUES
            .iter()
            .find_map(|value| toml::from_str(&format!("{base}{field} = {value}\n")).ok())
            .unwrap_or_else(|| panic!("`{field}` takes none of the sample values"))
    }

    fn sorted(mut names: Vec<&'static str>) -> Vec<&'static str> {
        names.sort_unstable();
        names
    }

    #[test]
    fn the_service_table_has_a_row_for_every_field_but_kind_and_sandbox() {
        let mut rows: Vec<&str> = SERVICE_FIELDS.iter().map(|f| f.name).collect();
        rows.extend(["kind", "sandbox"]);
        assert_eq!(sorted(rows), sorted(serde_names::<RawService>().to_vec()));
    }

    #[test]
    fn the_template_table_has_a_row_for_every_field_but_the_common_ones() {
        let mut rows: Vec<&str> = TEMPLATE_FIELDS.iter().map(|f| f.name).collect();
        rows.extend([
            "kind",
            "service",
            "display_name",
            "credential_type",
            "client_name",
        ]);
        assert_eq!(sorted(rows), sorted(serde_names::<RawTemplate>().to_vec()));
    }

    #[test]
    fn setting_a_service_field_sets_its_row_and_no_other() {
        for &field in serde_names::<RawService>() {
            let base = if field == "kind" { "" } else { "kind = \"entra\"\n" };
            let raw: RawService = with_field(base, field);
            let set: Vec<&str> = SERVICE_FIELDS
                .iter()
                .map(|f| f.name)
                .filter(|name| raw.is_set(name))
                .collect();
            let expected: Vec<&str> = SERVICE_FIELDS
                .iter()
                .map(|f| f.name)
                .filter(|name| *name == field)
                .collect();
            assert_eq!(set, expected, "setting `{field}`");
        }
    }

    #[test]
    fn setting_a_template_field_sets_its_row_and_no_other() {
        for &field in serde_names::<RawTemplate>() {
            let raw: RawTemplate = with_field("", field);
            let set: Vec<&str> = TEMPLATE_FIELDS
                .iter()
                .map(|f| f.name)
                .filter(|name| raw.is_set(name))
                .collect();
            let expected: Vec<&str> = TEMPLATE_FIELDS
                .iter()
                .map(|f| f.name)
                .filter(|name| *name == field)
                .collect();
            assert_eq!(set, expected, "setting `{field}`");
        }
    }

    #[test]
    fn a_kind_is_written_as_serde_reads_it() {
        for &name in serde_names::<ServiceKindName>() {
            let kind = named::<ServiceKindName>(name).map(ServiceKindName::as_str);
            assert_eq!(kind, Some(name));
        }
        for &name in serde_names::<TemplateKind>() {
            assert_eq!(named::<TemplateKind>(name).map(TemplateKind::as_str), Some(name));
        }
    }

    #[test]
    fn the_kind_settings_writes_for_a_service_is_that_service() {
        for service in [Entra, Orchestration, Oid4vci] {
            assert_eq!(service.kind().service_type(), service);
        }
    }

    #[test]
    fn every_service_takes_fields_and_names_its_credential() {
        for service in [Entra, Orchestration, Oid4vci] {
            assert!(service.service_fields().next().is_some(), "{service:?}");
            assert!(service.target_fields().next().is_some(), "{service:?}");
        }
    }
}
