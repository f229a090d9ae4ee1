//! Typed access to a JSON object that reports failures with the JSON path
//! the Request Service puts in `innererror.target` (`pin.length`,
//! `requestedCredentials[0].type`). JSON `null` counts as absent, as in the
//! real service, because many serializers write `null` for "not set".

use serde_json::{Map, Value};

/// A validation failure: what is wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invalid {
    pub message: String,
    pub target: String,
}

pub(crate) type Check<T> = Result<T, Invalid>;

pub(crate) fn invalid<T>(target: impl Into<String>, message: impl Into<String>) -> Check<T> {
    Err(Invalid {
        message: message.into(),
        target: target.into(),
    })
}

/// A JSON object and the path it was found at.
#[derive(Debug, Clone)]
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

/// Joins a parent path and a key: `""` + `pin` → `pin`, `pin` + `length` → `pin.length`.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

impl<'a> Obj<'a> {
    pub(crate) fn new(value: &'a Value, path: String) -> Check<Self> {
        match value {
            Value::Object(map) => Ok(Self { map, path }),
            _ => {
                let message = format!("'{}' must be a JSON object.", display(&path));
                invalid(path, message)
            }
        }
    }

    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    pub(crate) fn entries(&self) -> impl Iterator<Item = (&'a String, &'a Value)> {
        self.map.iter()
    }

    pub(crate) fn target(&self, key: &str) -> String {
        join(&self.path, key)
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Refuses fields the documentation does not list, so a misspelt or
    /// misplaced field is reported instead of silently ignored.
    pub(crate) fn deny_unknown(&self, allowed: &[&str]) -> Check<()> {
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(key) => invalid(
                self.target(key),
                format!("Unknown field '{}' in the request payload.", self.target(key)),
            ),
            None => Ok(()),
        }
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub(crate) fn required(&self, key: &str) -> Check<&'a Value> {
        match self.get(key) {
            Some(value) => Ok(value),
            None => invalid(
                self.target(key),
                format!("Missing required field '{}'.", self.target(key)),
            ),
        }
    }

    /// A required, non-empty string.
    pub(crate) fn req_str(&self, key: &str) -> Check<&'a str> {
        match self.required(key)? {
            Value::String(s) if !s.trim().is_empty() => Ok(s),
            Value::String(_) => invalid(
                self.target(key),
                format!("Field '{}' must not be empty.", self.target(key)),
            ),
            _ => self.wrong_type(key, "a string"),
        }
    }

    pub(crate) fn opt_str(&self, key: &str) -> Check<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => self.wrong_type(key, "a string"),
        }
    }

    pub(crate) fn opt_bool(&self, key: &str) -> Check<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => self.wrong_type(key, "a boolean"),
        }
    }

    /// An optional integer within `range`.
    pub(crate) fn opt_int_in(&self, key: &str, range: std::ops::RangeInclusive<u64>) -> Check<Option<u64>> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => match value.as_u64() {
                Some(n) if range.contains(&n) => Ok(Some(n)),
                _ => invalid(
                    self.target(key),
                    format!(
                        "Field '{}' must be an integer between {} and {}.",
                        self.target(key),
                        range.start(),
                        range.end()
                    ),
                ),
            },
        }
    }

    pub(crate) fn req_obj(&self, key: &str) -> Check<Obj<'a>> {
        Obj::new(self.required(key)?, self.target(key))
    }

    pub(crate) fn opt_obj(&self, key: &str) -> Check<Option<Obj<'a>>> {
        self.get(key).map(|v| Obj::new(v, self.target(key))).transpose()
    }

    pub(crate) fn opt_array(&self, key: &str) -> Check<Option<&'a Vec<Value>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(_) => self.wrong_type(key, "an array"),
        }
    }

    /// An optional array whose items are all strings.
    pub(crate) fn opt_string_array(&self, key: &str) -> Check<Option<Vec<String>>> {
        let Some(items) = self.opt_array(key)? else {
            return Ok(None);
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.clone()),
                _ => invalid(
                    format!("{}[{i}]", self.target(key)),
                    format!("Items of '{}' must be strings.", self.target(key)),
                ),
            })
            .collect::<Check<Vec<_>>>()
            .map(Some)
    }

    /// An optional object whose values are all strings (`claims`).
    pub(crate) fn opt_string_map(
        &self,
        key: &str,
    ) -> Check<Option<std::collections::BTreeMap<String, String>>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let Value::Object(map) = value else {
            return self.wrong_type(key, "a JSON object");
        };
        map.iter()
            .map(|(name, v)| match v {
                Value::String(s) => Ok((name.clone(), s.clone())),
                _ => invalid(
                    join(&self.target(key), name),
                    format!("Value of '{}' must be a string.", join(&self.target(key), name)),
                ),
            })
            .collect::<Check<_>>()
            .map(Some)
    }

    fn wrong_type<T>(&self, key: &str, expected: &str) -> Check<T> {
        invalid(
            self.target(key),
            format!("Field '{}' must be {expected}.", self.target(key)),
        )
    }
}

fn display(path: &str) -> &str {
    if path.is_empty() {
        "the request payload"
    } else {
        path
    }
}

/// Whether `text` is an absolute http(s) URL with a host.
pub(crate) fn is_absolute_http_url(text: &str) -> bool {
    url::Url::parse(text)
        .map(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .unwrap_or(false)
}
