//! Hostile input: look-alike ids, bidirectional controls, collection limits
//! checked while reading, CSV that cannot smuggle formulas or swallow rows.

mod common;

use coalition_ledger::*;
use common::*;

#[test]
fn ids_refuse_invisible_characters_and_bidi_controls_naming_the_code_point() {
    for (text, code_point) in [
        ("FRA\u{200b}", "U+200B, an invisible character"),
        ("FRA\u{202e}", "U+202E, a bidirectional control"),
        ("F\u{2066}RA", "U+2066, a bidirectional control"),
        ("\u{feff}FRA", "U+FEFF, an invisible character"),
        ("FR\u{00a0}A", "U+00A0, a space other than U+0020"),
        ("FRA\u{2028}x", "U+2028, an invisible character"),
        ("FRA\u{fe0f}", "U+FE0F, an invisible character"),
    ] {
        let err = MemberId::new(text).unwrap_err();
        assert!(err.to_string().contains(code_point), "{err}");
        assert!(PledgeId::new(text).is_err());
        assert!(SourceId::new(text).is_err());
        assert!(GroupId::new(text).is_err());
        assert!(Category::new(text).is_err());
    }
    // FRA and FRA + zero width space can no longer be two members.
    assert!(MemberId::new("FRA").is_ok());
    for fine in ["Türkiye", "ΕΛΛ", "北约", "NATO HQ", "DEU-mil-17", "a'b"] {
        assert!(MemberId::new(fine).is_ok(), "{fine}");
    }
}

#[test]
fn ids_may_not_begin_with_a_formula_character() {
    for text in ["=HYPERLINK(1)", "+1", "-x", "@SUM(1+1)"] {
        let err = PledgeId::new(text).unwrap_err();
        assert!(
            err.to_string()
                .contains("which a spreadsheet reads as a formula"),
            "{err}"
        );
    }
    assert!(PledgeId::new("a=b").is_ok());
}

#[test]
fn names_and_notes_refuse_bidi_controls() {
    let mut ledger = roster();
    let err = ledger
        .add_member(Member::new(mid("ITA"), "Ita\u{202e}ly"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "member `ITA`: invalid name: contains U+202E, a bidirectional control"
    );
    let spec = troops("P", "FRA", Estimate::Exact(1)).with_notes("see \u{2067}note");
    let err = ledger
        .open_pledge(spec, reported("2025-01-01"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "pledge `P`: invalid notes: contains U+2067, a bidirectional control"
    );
    let spec = troops("P", "FRA", Estimate::Exact(1))
        .with_condition(Condition::Named("vote\u{200f}".into()));
    assert!(ledger.open_pledge(spec, reported("2025-01-01")).is_err());
    // Right-to-left text itself is fine.
    let spec = troops("P", "FRA", Estimate::Exact(1)).with_notes("مرحبا שלום");
    ledger.open_pledge(spec, reported("2025-01-01")).unwrap();
}

#[cfg(feature = "csv")]
mod csv_input {
    use super::*;
    use coalition_ledger::io::csv::Importer;
    use coalition_ledger::limits::MAX_CSV_RECORD_BYTES;
    use std::io::Read;

    const HEADER: &str = "id,member,kind,estimate,stage,evidence,notes";

    fn first_error(result: Result<Ledger>) -> String {
        match result {
            Err(Error::CsvErrors { errors, .. }) => errors[0].to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn an_unterminated_quote_is_an_error_with_its_line_not_a_swallowed_row() {
        let text = format!(
            "{HEADER}\nP1,FRA,troops,unspecified,announced,reported,\"abc\nP2,GBR,troops,unspecified,announced,reported,fine\n"
        );
        let result = Importer::new().roster(&roster()).import(text.as_bytes());
        assert_eq!(
            first_error(result),
            "CSV line 2: unterminated quoted field: the quote opened here is never closed"
        );
        // Closed, the same quote is fine.
        let text = format!(
            "{HEADER}\nP1,FRA,troops,unspecified,announced,reported,\"abc\"\nP2,GBR,troops,unspecified,announced,reported,fine\n"
        );
        let ledger = Importer::new()
            .roster(&roster())
            .import(text.as_bytes())
            .unwrap();
        assert_eq!(ledger.pledge_count(), 2);
    }

    /// An endless single-field row, counting what the importer reads.
    struct Endless {
        prefix: Vec<u8>,
        read: usize,
    }

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(8192);
            for (i, b) in buf[..n].iter_mut().enumerate() {
                *b = self.prefix.get(self.read + i).copied().unwrap_or(b'x');
            }
            self.read += n;
            Ok(n)
        }
    }

    #[test]
    fn a_huge_record_stops_the_reader_at_the_limit() {
        let mut input = Endless {
            prefix: format!("{HEADER}\nP1,FRA,troops,unspecified,announced,reported,").into_bytes(),
            read: 0,
        };
        let result = Importer::new().roster(&roster()).import(&mut input);
        assert!(first_error(result).starts_with(&format!(
            "CSV line 2: record exceeds the limit of {MAX_CSV_RECORD_BYTES} bytes"
        )));
        // Before: the whole record was buffered (1.11 GB resident for a
        // 300 MB row). Now reading stops one buffer past the limit.
        assert!(
            input.read <= MAX_CSV_RECORD_BYTES + 3 * 8192,
            "{}",
            input.read
        );
    }
}
