//! One spelling per name: `Display`, `FromStr`, serde and CSV agree for
//! every fieldless enum, and `Condition`/`Capability` have one text form.

use std::fmt::Display;
use std::str::FromStr;

use coalition_ledger::{
    Basis, Capability, Code, Condition, Dimension, Error, Evidence, Kind, MemberId, PledgeId,
    RatePolicy, Role, Severity, SourceKind, Stage, Undated,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Checks every value of a spelled enum, and that an unknown name is an
/// `UnknownName` error listing every spelling.
fn agrees<T>(all: &[T], what: &str)
where
    T: Copy
        + PartialEq
        + std::fmt::Debug
        + Display
        + FromStr<Err = Error>
        + Serialize
        + DeserializeOwned,
{
    assert!(!all.is_empty());
    let mut spellings = Vec::new();
    for value in all {
        let text = value.to_string();
        assert_eq!(text.parse::<T>().ok(), Some(*value), "{what} {text}");
        let json = serde_json::to_string(value).unwrap_or_default();
        assert_eq!(
            json,
            format!("\"{text}\""),
            "{what}: serde and Display differ"
        );
        assert_eq!(serde_json::from_str::<T>(&json).ok(), Some(*value));
        spellings.push(text);
    }
    let unique: std::collections::BTreeSet<_> = spellings.iter().collect();
    assert_eq!(
        unique.len(),
        spellings.len(),
        "{what}: two values share a spelling"
    );
    let err = "no such name".parse::<T>().err();
    assert_eq!(
        err.map(|e| e.to_string()),
        Some(format!(
            "unknown {what} `no such name`: expected one of {}",
            spellings.join(", ")
        ))
    );
    // Case matters: one spelling, not several.
    let upper = spellings
        .first()
        .map(|s| s.to_uppercase())
        .unwrap_or_default();
    assert!(upper.parse::<T>().is_err() || upper == *spellings.first().unwrap_or(&upper));
    // serde refuses the same names, with the same message inside.
    let bad = serde_json::from_str::<T>("\"no such name\"")
        .err()
        .map(|e| e.to_string());
    assert!(bad.is_some_and(|m| m.contains(&format!("unknown {what} `no such name`"))));
}

#[test]
fn every_fieldless_enum_has_one_spelling() {
    agrees(&Stage::ALL, "stage");
    agrees(&Evidence::ALL, "evidence level");
    agrees(&Kind::ALL, "kind");
    agrees(&Role::ALL, "role");
    agrees(&SourceKind::ALL, "source kind");
    agrees(&Severity::ALL, "severity");
    agrees(&Code::ALL, "diagnostic code");
    agrees(&Dimension::ALL, "dimension");
    agrees(&Basis::ALL, "basis");
    agrees(&RatePolicy::ALL, "rate policy");
    agrees(&Undated::ALL, "undated policy");
    agrees(&coalition_ledger::io::journal::Recovery::ALL, "recovery");
    agrees(&coalition_ledger::DatePrecision::ALL, "date precision");
    agrees(&coalition_ledger::AdjustmentBasis::ALL, "adjustment basis");
    #[cfg(feature = "csv")]
    {
        use coalition_ledger::io::mapping::{NegativeRows, Scale, ZeroRows};
        agrees(&Scale::ALL, "scale");
        agrees(&ZeroRows::ALL, "zero-row policy");
        agrees(&NegativeRows::ALL, "negative-row policy");
    }
}

/// Every public enum without data in `src/` gets its spellings from a
/// `spelled!` table, so a new one cannot ship with a second spelling.
#[test]
fn every_fieldless_public_enum_is_spelled() {
    fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    let mut files = Vec::new();
    sources(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut files,
    );
    let all = files.join("\n");
    let mut fieldless = Vec::new();
    for file in &files {
        let mut lines = file.lines();
        while let Some(line) = lines.next() {
            let Some(name) = line.trim().strip_prefix("pub enum ") else {
                continue;
            };
            let name = name.trim_end_matches(" {").trim();
            if name.contains('<') {
                continue;
            }
            let mut unit_only = true;
            for body in lines.by_ref() {
                let body = body.trim();
                if body == "}" {
                    break;
                }
                if body.is_empty() || body.starts_with("//") || body.starts_with("#[") {
                    continue;
                }
                let variant = body.trim_end_matches(',');
                let is_unit = variant.chars().all(|c| c.is_alphanumeric() || c == '_')
                    || variant
                        .split_once(" = ")
                        .is_some_and(|(v, _)| v.chars().all(char::is_alphanumeric));
                unit_only &= is_unit;
            }
            if unit_only {
                fieldless.push(name.to_string());
            }
        }
    }
    assert!(fieldless.len() >= 10, "{fieldless:?}");
    for name in fieldless {
        assert!(
            all.contains(&format!("spelled!({name},")),
            "{name} has no spelled! table"
        );
    }
}

#[test]
fn all_lists_are_in_declaration_order() {
    assert!(Stage::ALL.windows(2).all(|w| w[0] < w[1]));
    assert!(Evidence::ALL.windows(2).all(|w| w[0] < w[1]));
    assert!(Severity::ALL.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(Code::ALL.first().map(|c| c.as_str()), Some("CL001"));
    assert_eq!(Stage::ALL.len(), 5);
    assert_eq!(format!("[{:<9}]", Stage::Committed), "[committed]");
    assert_eq!(format!("[{:>10}]", Kind::Troops), "[    troops]");
}

#[test]
fn capability_text_form_round_trips() -> Result<(), Error> {
    let values = [
        Capability::AirPower,
        Capability::AirDefence,
        Capability::Intelligence,
        Capability::Logistics,
        Capability::SecurityGuarantee,
        Capability::Other("naval mine clearance".into()),
    ];
    for value in values {
        let text = value.to_string();
        assert_eq!(text.parse::<Capability>()?, value);
    }
    assert_eq!(Capability::AirPower.to_string(), "air_power");
    // The JSON document keeps its structured form.
    assert_eq!(
        serde_json::to_string(&Capability::AirPower).ok().as_deref(),
        Some("\"air_power\"")
    );
    assert_eq!(
        serde_json::to_string(&Capability::Other("x".into()))
            .ok()
            .as_deref(),
        Some("{\"other\":\"x\"}")
    );
    for bad in ["air power", "other:", "AIR_POWER", ""] {
        assert!(
            matches!(bad.parse::<Capability>(), Err(Error::UnknownName { .. })),
            "{bad}"
        );
    }
    Ok(())
}

#[test]
fn condition_text_form_round_trips() -> Result<(), Error> {
    let values = [
        Condition::Ceasefire,
        Condition::Backstop {
            by: MemberId::new("USA")?,
        },
        Condition::ParliamentaryApproval {
            member: MemberId::new("DEU")?,
        },
        Condition::DependsOn(PledgeId::new("FRA-1")?),
        Condition::Named("UN mandate".into()),
    ];
    let texts: Vec<String> = values.iter().map(ToString::to_string).collect();
    assert_eq!(
        texts,
        [
            "ceasefire",
            "backstop:USA",
            "parliamentary_approval:DEU",
            "depends_on:FRA-1",
            "named:UN mandate"
        ]
    );
    for value in &values {
        assert_eq!(value.to_string().parse::<Condition>()?, *value);
        // The text's tag is the name the JSON document gives the condition.
        let text = value.to_string();
        let tag = text.split(':').next().unwrap_or_default();
        let json = serde_json::to_value(value).expect("a condition serializes");
        let json_name = match &json {
            serde_json::Value::String(name) => name.clone(),
            serde_json::Value::Object(map) => map.keys().next().cloned().unwrap_or_default(),
            other => panic!("unexpected JSON form {other}"),
        };
        assert_eq!(tag, json_name, "{text} against {json}");
    }
    // Files written when the text spelled two of them otherwise still read.
    assert_eq!("parliament:DEU".parse::<Condition>()?, values[2]);
    assert_eq!("depends:FRA-1".parse::<Condition>()?, values[3]);
    for bad in [
        "backstop by USA",
        "ceasefire:",
        "named:",
        "named: ",
        "truce",
        "backstop:",
    ] {
        assert!(bad.parse::<Condition>().is_err(), "{bad}");
    }
    Ok(())
}

#[test]
fn ids_and_names_pad_to_a_width_as_text_does() {
    let member = MemberId::new("FRA").expect("valid");
    let pledge = PledgeId::new("FRA-1").expect("valid");
    assert_eq!(format!("{member:<6}|"), "FRA   |");
    assert_eq!(format!("{member:>6}|"), "   FRA|");
    assert_eq!(format!("{pledge:^9}|"), "  FRA-1  |");
    assert_eq!(format!("{:<12}|", Stage::Committed), "committed   |");
    // A width below the text's length leaves it whole.
    assert_eq!(format!("{pledge:2}"), "FRA-1");
}
