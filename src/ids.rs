//! Validated identifier newtypes.
//!
//! Identifiers are short codes chosen by the user: `FRA`, `DEU-mil-17`,
//! `reuters-2025-09-04`. They are non-empty, at most
//! [`MAX_ID_CHARS`](crate::limits::MAX_ID_CHARS) characters, hold no control
//! characters and no surrounding whitespace. Each is a cheap-to-clone shared
//! string, so the ledger can hand out and index ids without copying text.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::limits::MAX_ID_CHARS;

/// Why `text` is not a valid identifier, if it is not.
fn id_problem(text: &str) -> Option<&'static str> {
    if text.is_empty() {
        return Some("must not be empty");
    }
    if text.len() > MAX_ID_CHARS && text.chars().count() > MAX_ID_CHARS {
        return Some("longer than 64 characters");
    }
    if text.chars().any(char::is_control) {
        return Some("contains a control character");
    }
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        return Some("has leading or trailing whitespace");
    }
    None
}

#[cold]
fn id_error(kind: &'static str, text: &str, reason: &'static str) -> Error {
    let mut value: String = text.chars().take(80).collect();
    if value.len() < text.len() {
        value.push('…');
    }
    Error::InvalidId {
        kind,
        value: value.escape_debug().to_string(),
        reason,
    }
}

macro_rules! identifier {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $example:literal) => {
        $(#[$doc])*
        ///
        /// # Example
        ///
        /// ```
        #[doc = concat!("use coalition_ledger::", stringify!($name), ";")]
        ///
        #[doc = concat!("let id = ", stringify!($name), "::new(\"", $example, "\")?;")]
        #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
        #[doc = concat!("assert!(", stringify!($name), "::new(\"\").is_err());")]
        #[doc = concat!("assert!(", stringify!($name), "::new(\" padded\").is_err());")]
        /// # Ok::<(), coalition_ledger::Error>(())
        /// ```
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Arc<str>);

        impl $name {
            /// Validates `text` and makes an identifier of it.
            ///
            /// # Errors
            ///
            /// [`Error::InvalidId`] when `text` is empty, longer than 64
            /// characters, holds a control character or has surrounding
            /// whitespace.
            pub fn new(text: impl AsRef<str>) -> Result<Self> {
                let text = text.as_ref();
                match id_problem(text) {
                    None => Ok(Self(Arc::from(text))),
                    Some(reason) => Err(id_error($kind, text, reason)),
                }
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), &*self.0)
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(text: &str) -> Result<Self> {
                Self::new(text)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = Error;
            fn try_from(text: &str) -> Result<Self> {
                Self::new(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(text: String) -> Result<Self> {
                Self::new(text)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::dates::from_str_with(deserializer, concat!("a ", $kind), |text| Self::new(text))
            }
        }
    };
}

identifier!(
    /// Identifies a coalition member, typically an ISO 3166 alpha-3 code
    /// such as `FRA`; any short code is allowed (`EU`, `NATO-HQ`).
    MemberId, "member id", "FRA"
);
identifier!(
    /// Identifies a pledge, unique within a ledger.
    PledgeId, "pledge id", "DEU-mil-17"
);
identifier!(
    /// Identifies a source (a briefing, an article, a dataset).
    SourceId, "source id", "reuters-2025-09-04"
);
identifier!(
    /// Identifies a group of members, such as `EU` or `NATO`.
    GroupId, "group id", "NATO"
);
identifier!(
    /// An equipment category label, such as `air-defence` or `artillery`.
    Category, "category", "air-defence"
);
