//! The custom scalars VO's schema uses (`JSONObject`, `DateTime`, `URL`, `UUID`),
//! so a value of the wrong shape is refused while variables are read, with
//! a GraphQL error, as VO's own scalars do. The workspace has no date crate:
//! a `DateTime` is kept as the ISO-8601 text it arrived as.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use serde_json::{Map, Value as Json};

use crate::clock;

/// Any JSON object: `claims`, callback `headers`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct JsonObject(pub Map<String, Json>);

#[Scalar(name = "JSONObject")]
impl ScalarType for JsonObject {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value.into_json() {
            Ok(Json::Object(map)) => Ok(Self(map)),
            Ok(other) => Err(InputValueError::custom(format!(
                "JSONObject cannot represent a non-object value: {other}"
            ))),
            Err(error) => Err(InputValueError::custom(error)),
        }
    }

    fn to_value(&self) -> Value {
        Value::from_json(Json::Object(self.0.clone())).unwrap_or(Value::Null)
    }
}

/// An ISO-8601 date-time such as `2026-12-31T23:59:59Z`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DateTime(pub String);

impl DateTime {
    pub(crate) fn from_unix(unix: i64) -> Self {
        Self(clock::iso8601(unix))
    }
}

#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(text) if clock::is_iso8601_date_time(&text) => Ok(Self(text)),
            Value::String(text) => Err(InputValueError::custom(format!(
                "Value is not a valid ISO-8601 date-time: {text}"
            ))),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// An absolute URL, kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Url(pub String);

#[Scalar(name = "URL")]
impl ScalarType for Url {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(text) => match url::Url::parse(&text) {
                Ok(_) => Ok(Self(text)),
                Err(error) => Err(InputValueError::custom(format!("Invalid URL: {error}"))),
            },
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// VO's `UUID`: the id of every contract, identity, request and capture.
/// A value that is no UUID is refused while the request is validated, before
/// anything runs, as VO's server coerces variables before executing: a
/// `contractId: "EventBadge"` fails the whole request, not one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Uuid(pub uuid::Uuid);

impl Uuid {
    pub(crate) fn new_v4() -> Self {
        Self(uuid::Uuid::new_v4())
    }

    /// `None` for text that is no UUID: such an id names nothing here.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        uuid::Uuid::parse_str(text).ok().map(Self)
    }
}

impl std::fmt::Display for Uuid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[Scalar(name = "UUID", specified_by_url = "http://tools.ietf.org/html/rfc4122")]
impl ScalarType for Uuid {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(text) => Self::parse(&text)
                .ok_or_else(|| InputValueError::custom(format!("Value is not a valid UUID: {text}"))),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(text) if Self::parse(text).is_some())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// VO's `PositiveInt` (graphql-scalars): an integer above zero, as
/// `offset` and `limit` take. Zero is refused, so a first page is asked
/// for without an `offset`, not with `offset: 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PositiveInt(pub u32);

impl PositiveInt {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Number(number) => number
                .as_i64()
                .filter(|n| *n > 0)
                .and_then(|n| i32::try_from(n).ok())
                .and_then(|n| u32::try_from(n).ok())
                .map(Self),
            _ => None,
        }
    }
}

#[Scalar(name = "PositiveInt")]
impl ScalarType for PositiveInt {
    fn parse(value: Value) -> InputValueResult<Self> {
        match Self::from_value(&value) {
            Some(positive) => Ok(positive),
            None if matches!(value, Value::Number(_)) => Err(InputValueError::custom(format!(
                "Value is not a positive number: {value}"
            ))),
            None => Err(InputValueError::expected_type(value)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        Self::from_value(value).is_some()
    }

    fn to_value(&self) -> Value {
        Value::from(self.0)
    }
}
