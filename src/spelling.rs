//! One spelling per name: the text form of each fieldless enum comes from
//! one table, and `Display`, `FromStr`, serde and the CSV columns all use it.
//!
//! [`spelled!`] takes the table and implements, for the enum:
//! `ALL` (every value, in declaration order), `as_str`, `Display` (padded, so
//! `{:<10}` aligns), `FromStr` (exact, case-sensitive, an
//! [`Error::UnknownName`](crate::Error::UnknownName) listing the spellings
//! otherwise), `Serialize` and `Deserialize`.

/// Implements the one text form of a fieldless enum from a table of
/// `Variant => "spelling"` pairs; `$what` names the type in errors.
macro_rules! spelled {
    ($type:ident, $what:literal, { $($table:tt)* }) => {
        $crate::spelling::spelled!($type, $what, stringify!($type), { $($table)* });
    };
    ($type:ident, $what:literal, $path:expr, {
        $first_variant:ident => $first_text:literal
        $(, $variant:ident => $text:literal)* $(,)?
    }) => {
        impl $type {
            #[doc = concat!(
                "Every `", stringify!($type), "`, in order.\n\n",
                "```\n",
                "use coalition_ledger::", $path, ";\n\n",
                "for value in ", stringify!($type), "::ALL {\n",
                "    // One spelling, read back by `FromStr` and serde alike.\n",
                "    assert_eq!(value.as_str().parse::<", stringify!($type), ">()?, value);\n",
                "    assert_eq!(value.to_string(), value.as_str());\n",
                "}\n",
                "# Ok::<(), coalition_ledger::Error>(())\n",
                "```"
            )]
            pub const ALL: [$type; [$first_text $(, $text)*].len()] =
                [$type::$first_variant $(, $type::$variant)*];

            #[doc = concat!(
                "The `", stringify!($type), "`'s one spelling, shared by `Display`, `FromStr`, serde and CSV: ",
                "`", $first_text, "`", $(", `", $text, "`",)* ".\n\n",
                "```\n",
                "use coalition_ledger::", $path, ";\n\n",
                "let first = ", stringify!($type), "::ALL[0];\n",
                "assert_eq!(first.as_str(), \"", $first_text, "\");\n",
                "assert_eq!(serde_json::to_string(&first)?, \"\\\"", $first_text, "\\\"\");\n",
                "# Ok::<(), Box<dyn std::error::Error>>(())\n",
                "```"
            )]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $type::$first_variant => $first_text,
                    $($type::$variant => $text,)*
                }
            }
        }

        impl ::std::fmt::Display for $type {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl ::std::str::FromStr for $type {
            type Err = crate::error::Error;

            fn from_str(text: &str) -> crate::error::Result<$type> {
                match text {
                    $first_text => Ok($type::$first_variant),
                    $($text => Ok($type::$variant),)*
                    _ => Err(crate::error::Error::unknown_name(
                        $what,
                        text,
                        &[$first_text $(, $text)*],
                    )),
                }
            }
        }

        impl ::serde::Serialize for $type {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $type {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<$type, D::Error> {
                crate::spelling::from_str_with(d, concat!("a ", $what), |text| text.parse::<$type>())
            }
        }
    };
}

pub(crate) use spelled;

// The spellings of the lifecycle's axes live here rather than in
// `lifecycle.rs`: their `FromStr` returns `Error`, and `Error` names a
// `Stage`, so `lifecycle` stays below `error` and nothing circles.
use serde::Deserializer;

use crate::lifecycle::{Evidence, Stage};

spelled!(Stage, "stage", {
    Considering => "considering",
    Announced => "announced",
    Committed => "committed",
    Delivered => "delivered",
    Withdrawn => "withdrawn",
});

spelled!(Evidence, "evidence level", {
    Unconfirmed => "unconfirmed",
    Reported => "reported",
    Verified => "verified",
});

/// Deserializes a string without copying it when the input allows, and
/// converts it with `f`: ids, dates and currency codes are parsed straight
/// from the input buffer.
pub(crate) fn from_str_with<'de, D, T, E>(
    d: D,
    expecting: &'static str,
    f: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    E: std::fmt::Display,
{
    struct Visitor<F>(F, &'static str);
    impl<T, E: std::fmt::Display, F: FnOnce(&str) -> Result<T, E>> serde::de::Visitor<'_>
        for Visitor<F>
    {
        type Value = T;
        fn expecting(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            out.write_str(self.1)
        }
        fn visit_str<X: serde::de::Error>(self, text: &str) -> Result<T, X> {
            (self.0)(text).map_err(X::custom)
        }
    }
    d.deserialize_str(Visitor(f, expecting))
}
