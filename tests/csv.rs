//! CSV import and export (feature `csv`).
#![cfg(feature = "csv")]

mod common;

use coalition_ledger::io::csv::{COLUMNS, Importer, export, export_table};
use coalition_ledger::*;
use common::*;

const HEADER: &str = "id,member,kind,category,capability,estimate,low,high,currency,value_estimate,value_low,value_high,stage,evidence,date,conditions,sources,delivered,location,notes,withdrawal_reason";

fn importer() -> Importer {
    Importer::new()
        .add_missing_members(true)
        .add_missing_sources(true)
}

fn export_string(ledger: &Ledger) -> String {
    let mut out = Vec::new();
    export(ledger, &mut out).expect("exports");
    String::from_utf8(out).expect("utf-8")
}

fn errors(text: &str) -> Vec<(u64, Option<String>, String)> {
    match importer().import(text.as_bytes()) {
        Err(Error::CsvErrors { errors, .. }) => errors
            .into_iter()
            .map(|e| match e {
                Error::Csv {
                    line,
                    column,
                    message,
                } => (line, column, message),
                // A ledger rule or a field's own parser refused the row: the
                // cause stays typed.
                Error::InCsvRow {
                    line,
                    column,
                    error,
                } => (line, column, error.to_string()),
                other => panic!("not a CSV error: {other}"),
            })
            .collect(),
        other => panic!("expected CSV errors, got {other:?}"),
    }
}

#[test]
fn the_example_file_round_trips_byte_for_byte() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/pledges.csv"
    ))
    .expect("example data");
    let ledger = importer().import(text.as_bytes()).expect("imports");
    assert_eq!(ledger.pledge_count(), 9);
    let first = export_string(&ledger);
    assert_eq!(first, text, "the example file is in canonical form");
    let again = importer()
        .import(first.as_bytes())
        .expect("imports its own export");
    assert_eq!(export_string(&again), first);
}

#[test]
fn the_paris_fixture_round_trips() {
    let ledger = fixtures::paris_summit();
    let first = export_string(&ledger);
    let imported = Importer::new()
        .roster(&ledger_roster(&ledger))
        .import(first.as_bytes())
        .expect("imports");
    assert_eq!(export_string(&imported), first);
}

/// Only the members and sources of a ledger.
fn ledger_roster(ledger: &Ledger) -> Ledger {
    let mut roster = Ledger::new();
    for m in ledger.members() {
        roster.add_member(m.clone()).expect("valid");
    }
    for s in ledger.sources() {
        roster.add_source(s.clone()).expect("valid");
    }
    roster
}

#[test]
fn quoted_fields_with_commas_and_newlines_survive() {
    let text = format!(
        "{HEADER}\nP1,FRA,troops,,,exact,5,5,,,,,announced,reported,2025-01-01,\"named:vote\\; in\\;parliament\",,0,\"Kyiv, Lviv\",\"line one\nline two, \"\"quoted\"\"\",\n"
    );
    let ledger = importer().import(text.as_bytes()).expect("imports");
    let p = ledger.pledge(&pid("P1")).expect("exists");
    assert_eq!(p.location(), Some("Kyiv, Lviv"));
    assert_eq!(p.notes(), Some("line one\nline two, \"quoted\""));
    assert_eq!(
        p.conditions(),
        &[Condition::Named("vote; in;parliament".into())][..],
        "`\\;` is a literal semicolon"
    );
    let out = export_string(&ledger);
    assert_eq!(
        export_string(&importer().import(out.as_bytes()).expect("imports")),
        out
    );
}

#[test]
fn amounts_with_many_decimals_survive_exactly() {
    let amount = "1234567890.1234567890123456789";
    let text = format!(
        "{HEADER}\nF1,FRA,funding,,,range,0.0000000000000000000000000001,{amount},EUR,,,,committed,verified,2025-01-01,,,0.10,,,\n"
    );
    let ledger = importer().import(text.as_bytes()).expect("imports");
    let out = export_string(&ledger);
    assert!(out.contains(amount), "{out}");
    assert!(out.contains(",0.0000000000000000000000000001,"));
    assert!(out.contains(",0.10,"), "trailing zeros are kept");
    let too_many = format!(
        "{HEADER}\nF1,FRA,funding,,,exact,0.00000000000000000000000000001,,EUR,,,,committed,verified,2025-01-01,,,0,,,\n"
    );
    let errs = errors(&too_many);
    assert_eq!(errs[0].1.as_deref(), Some("low"));
    assert!(
        errs[0].2.contains("29 decimal places, the limit is 28"),
        "{errs:?}"
    );
}

#[test]
fn header_must_name_required_and_known_columns() {
    let missing = errors("id,member,kind,estimate,stage\nP,FRA,troops,unspecified,announced\n");
    assert_eq!(
        missing,
        vec![(
            1,
            Some("evidence".into()),
            "missing required column `evidence`".into()
        )]
    );
    let unknown = errors("id,member,kind,estimate,stage,evidence,colour\n");
    assert_eq!(
        unknown,
        vec![(1, Some("colour".into()), "unknown column `colour`".into())]
    );
    let twice = errors("id,id,member,kind,estimate,stage,evidence\n");
    assert_eq!(
        twice,
        vec![(1, Some("id".into()), "column `id` appears twice".into())]
    );
}

/// Every bad column of a header is named at once (it was only the first:
/// `1 CSV errors, nothing imported; first: CSV line 1: unknown column 'giver'`).
#[test]
fn an_import_error_lists_every_bad_column_at_once() {
    let text = "id,giver,kind,estimate,colour,stage,shade\n";
    let errs = errors(text);
    assert_eq!(
        errs,
        vec![
            (1, Some("giver".into()), "unknown column `giver`".into()),
            (1, Some("colour".into()), "unknown column `colour`".into()),
            (1, Some("shade".into()), "unknown column `shade`".into()),
            (
                1,
                Some("member".into()),
                "missing required column `member`".into()
            ),
            (
                1,
                Some("evidence".into()),
                "missing required column `evidence`".into()
            ),
        ]
    );
    let err = importer().import(text.as_bytes()).unwrap_err();
    assert!(err.to_string().starts_with("5 CSV errors, nothing imported; first: CSV line 1, column `giver`: unknown column `giver`"), "{err}");
}

/// One bad value per column, each on its own line; all reported in one pass.
#[test]
fn every_column_reports_its_line_and_column() {
    let good = "P{n},FRA,troops,,,exact,5,5,,,,,announced,reported,2025-01-01,,,0,,,";
    let cases: Vec<(&str, usize, &str)> = vec![
        ("id", 0, ""),
        ("member", 1, "F\tR"),
        ("kind", 2, "tanks"),
        ("category", 3, "a\u{7}b"),
        ("estimate", 5, "about"),
        ("low", 6, "5.5"),
        ("high", 7, "x"),
        ("currency", 8, "EURO"),
        ("stage", 12, "promised"),
        ("evidence", 13, "rumour"),
        ("date", 14, "2025-1-1"),
        ("conditions", 15, "sometime"),
        ("sources", 16, "a; "),
        ("delivered", 17, "-1"),
        ("withdrawal_reason", 20, "why"),
    ];
    let mut text = format!("{HEADER}\n");
    for (n, (_, index, bad)) in cases.iter().enumerate() {
        let mut fields: Vec<String> = good
            .replace("{n}", &n.to_string())
            .split(',')
            .map(String::from)
            .collect();
        fields[*index] = bad.to_string();
        text.push_str(&fields.join(","));
        text.push('\n');
    }
    let found = errors(&text);
    let expected: Vec<(u64, Option<String>)> = cases
        .iter()
        .enumerate()
        .map(|(n, (column, _, _))| (n as u64 + 2, Some(column.to_string())))
        .collect();
    let got: Vec<(u64, Option<String>)> = found.iter().map(|(l, c, _)| (*l, c.clone())).collect();
    assert_eq!(got, expected, "{found:#?}");
}

/// A negative amount is refused by the ledger's rules, after parsing; the
/// error still names the column the first negative figure is in.
#[test]
fn a_negative_amount_names_its_column() {
    let text = format!(
        "{HEADER}\n\
         F1,FRA,funding,,,exact,-5,-5,EUR,,,,announced,reported,2025-01-01,,,0,,,\n\
         F2,FRA,funding,,,range,-5,7,EUR,,,,announced,reported,2025-01-01,,,0,,,\n\
         E1,FRA,equipment,tanks,,exact,5,5,EUR,range,-1,4,announced,reported,2025-01-01,,,0,,,\n"
    );
    let found = errors(&text);
    let got: Vec<(u64, Option<&str>)> = found.iter().map(|(l, c, _)| (*l, c.as_deref())).collect();
    assert_eq!(
        got,
        [(2, Some("low")), (3, Some("low")), (4, Some("value_low"))],
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .all(|(_, _, m)| m.contains("must not be negative")),
        "{found:#?}"
    );
}

#[test]
fn kind_specific_columns_are_checked() {
    let row = |fields: &str| errors(&format!("{HEADER}\n{fields}\n"));
    let e = row("E1,FRA,equipment,,,exact,1,1,,,,,announced,reported,2025-01-01,,,0,,,");
    assert_eq!(e[0].1.as_deref(), Some("category"));
    let e =
        row("E1,FRA,equipment,tanks,,exact,1,1,,exact,5,5,announced,reported,2025-01-01,,,0,,,");
    assert_eq!(
        e[0].1.as_deref(),
        Some("value_low"),
        "a value needs a currency: {e:?}"
    );
    let e = row("B1,USA,backstop,,air_power,exact,1,1,,,,,announced,reported,2025-01-01,,,0,,,");
    assert_eq!(e[0].1.as_deref(), Some("estimate"));
    let e = row("B1,USA,backstop,,,unspecified,,,,,,,announced,reported,2025-01-01,,,0,,,");
    assert_eq!(e[0].1.as_deref(), Some("capability"));
    let e = row("T1,FRA,troops,,,exact,5,5,EUR,,,,announced,reported,2025-01-01,,,0,,,");
    assert_eq!(e[0].1.as_deref(), Some("currency"));
    let e = row("T1,FRA,troops,,,range,9,5,,,,,announced,reported,2025-01-01,,,0,,,");
    assert_eq!(e[0].1.as_deref(), Some("high"));
    let e = row("T1,FRA,troops,,,exact,5,5,,,,,announced,reported,2025-01-01,,,2.5,,,");
    assert_eq!(e[0].1.as_deref(), Some("delivered"));
}

#[test]
fn unknown_members_and_sources_need_a_roster_or_an_option() {
    let first_error = |text: &str| match Importer::new().import(text.as_bytes()) {
        Err(Error::CsvErrors { errors, .. }) => errors[0].to_string(),
        other => panic!("must fail: {other:?}"),
    };
    let unsourced =
        format!("{HEADER}\nP1,FRA,troops,,,exact,5,5,,,,,announced,reported,2025-01-01,,,0,,,\n");
    assert_eq!(
        first_error(&unsourced),
        "CSV line 2, column `member`: unknown member `FRA`"
    );
    let text = format!(
        "{HEADER}\nP1,FRA,troops,,,exact,5,5,,,,,announced,reported,2025-01-01,,src,0,,,\n"
    );
    assert_eq!(
        first_error(&text),
        "CSV line 2, column `sources`: unknown source `src`"
    );
    let with_roster = Importer::new()
        .roster(&roster())
        .import(text.as_bytes())
        .expect("the roster knows FRA and src");
    assert_eq!(with_roster.pledge_count(), 1);
    // A row's list is checked once for all its entries: one source the
    // roster lacks, after rows whose lists were known, still refuses the
    // row, whose delivery entry cites the same list.
    let row = |id: &str, sources: &str| {
        format!("{id},FRA,troops,,,exact,5,5,,,,,delivered,reported,2025-01-01,,{sources},5,,,")
    };
    let text = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row("P1", "src"),
        row("P2", "src;zzz"),
        row("P3", "src")
    );
    let err = Importer::new()
        .roster(&roster())
        .import(text.as_bytes())
        .unwrap_err();
    let Error::CsvErrors { errors, total: 1 } = &err else {
        panic!("one row refused: {err:?}")
    };
    assert_eq!(
        errors[0].to_string(),
        "CSV line 3, column `sources`: unknown source `zzz`"
    );
}

#[test]
fn duplicate_rows_are_errors_and_nothing_is_imported() {
    let row = "P1,FRA,troops,,,exact,5,5,,,,,announced,reported,2025-01-01,,,0,,,";
    let found = errors(&format!("{HEADER}\n{row}\n{row}\n"));
    assert_eq!(
        found,
        vec![(3, Some("id".into()), "pledge `P1` appears twice".into())]
    );
}

/// Rows citing fifteen sources each, cycling through 70,000: the reading
/// thread's interner starts over past 65,536 ids, so later rows cite new
/// copies, which the ledger adopts until its aliases are full, part-way
/// through a row (65,536 is not a multiple of 15). The ids after that point
/// are found by text; the import is the same as ever.
#[test]
fn an_import_past_the_limit_of_adopted_copies_records_every_row() {
    let mut text = b"id,member,kind,estimate,low,high,stage,evidence,sources,delivered\n".to_vec();
    let mut next = 0usize;
    for row in 0..20_000 {
        let mut sources: Vec<String> = (0..15)
            .map(|_| {
                next += 1;
                format!("S{:05}", next % 70_000)
            })
            .collect();
        sources.sort();
        text.extend_from_slice(
            format!(
                "P{row},M{},troops,exact,1,1,committed,reported,{},0\n",
                row % 7,
                sources.join(";")
            )
            .as_bytes(),
        );
    }
    let ledger = importer().import(&text[..]).expect("imports");
    assert_eq!(ledger.pledge_count(), 20_000);
    assert_eq!(ledger.sources().count(), 70_000);
    assert_eq!(ledger.entries().len(), 20_000 + 70_000 + 7);
}

#[test]
fn a_row_whose_pledge_is_in_the_roster_says_so() {
    // The roster holds P1 as the row has it: the row is not a duplicate
    // of another row of the file.
    let row = "P1,FRA,troops,,,exact,5,5,,,,,announced,reported,2025-01-01,,,0,,,";
    let roster = importer()
        .import(format!("{HEADER}\n{row}\n").as_bytes())
        .expect("imports");
    let err = Importer::new()
        .roster(&roster)
        .import(format!("{HEADER}\n{row}\n").as_bytes())
        .unwrap_err();
    let Error::CsvErrors { errors, total: 1 } = &err else {
        panic!("one row refused: {err:?}")
    };
    assert_eq!(
        errors[0].to_string(),
        "CSV line 2, column `id`: pledge `P1` is in the roster already"
    );
}

#[test]
fn tables_export_as_csv() {
    let ledger = importer()
        .import(
            std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/examples/data/pledges.csv"
            ))
            .expect("data")
            .as_slice(),
        )
        .expect("imports");
    let table = ledger
        .query()
        .group_by([Dimension::Member])
        .measure(Measure::Personnel)
        .run()
        .expect("runs");
    let mut out = Vec::new();
    export_table(&table, &mut out).expect("exports");
    let text = String::from_utf8(out).expect("utf-8");
    assert_eq!(
        text,
        "row,member,measure,basis,currency,low,high,count,unspecified,rounded,note\n\
         row,DEU,personnel,pledged,,0,,1,1,false,\n\
         row,FRA,personnel,pledged,,2000,5000,1,0,false,\n\
         row,GBR,personnel,pledged,,3000,,1,0,false,\n\
         total,,personnel,pledged,,5000,,3,1,false,\n"
    );
}

/// A table's CSV says what its answer left out, as its printed notes do,
/// one `note` row each, and which totals a division rounded.
#[test]
fn a_table_exported_as_csv_keeps_its_notes() {
    let ledger = fixtures::paris_summit();
    let table = ledger
        .query()
        .scenario(&Scenario::new().fails(Condition::Backstop { by: mid("USA") }))
        .as_of(d("2025-09-30"))
        .group_by([Dimension::Conditional])
        .run()
        .expect("runs");
    assert!(table.left_out().by_scenario() > 0 && table.left_out().undated_entries() > 0);
    let mut out = Vec::new();
    export_table(&table, &mut out).expect("exports");
    let text = String::from_utf8(out).expect("utf-8");
    let notes: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("note,"))
        .map(|rest| rest.trim_start_matches(','))
        .collect();
    let printed: Vec<String> = table
        .to_string()
        .lines()
        .filter_map(|line| line.strip_prefix("note: ").map(String::from))
        .collect();
    assert_eq!(notes.len(), printed.len(), "{text}\n{table}");
    for (note, printed) in notes.iter().zip(&printed) {
        assert_eq!(note.trim_matches('"'), printed, "{text}");
    }
    assert!(text.contains("left out by the scenario"), "{text}");
    assert!(text.contains("left out by as_of"), "{text}");
    // Every line has the header's fields (commas outside quotes).
    let fields = |line: &str| {
        let mut quoted = false;
        1 + line
            .chars()
            .filter(|&c| {
                quoted ^= c == '"';
                c == ',' && !quoted
            })
            .count()
    };
    let header = fields(text.lines().next().expect("header"));
    assert!(text.lines().all(|line| fields(line) == header), "{text}");
}

#[test]
fn a_hundred_thousand_rows_import() {
    let mut text = String::with_capacity(100_000 * 80);
    text.push_str(HEADER);
    text.push('\n');
    for i in 0..100_000 {
        let member = ["FRA", "GBR", "DEU"][i % 3];
        text.push_str(&format!("P{i},{member},funding,,,exact,{i}.5,{i}.5,EUR,,,,committed,reported,2025-01-01,,,0,,,\n"));
    }
    let ledger = importer().import(text.as_bytes()).expect("imports");
    assert_eq!(ledger.pledge_count(), 100_000);
    assert_eq!(COLUMNS.len(), 24);
}

#[cfg(feature = "testing")]
#[test]
fn generated_ledgers_round_trip() {
    for seed in 0..4 {
        let ledger = coalition_ledger::testing::Generator::seeded(seed)
            .pledges(2_000)
            .ledger()
            .expect("valid");
        let first = export_string(&ledger);
        let imported = importer()
            .import(first.as_bytes())
            .expect("imports its own export");
        assert_eq!(imported.pledge_count(), ledger.pledge_count());
        assert_eq!(export_string(&imported), first, "seed {seed}");
    }
}

#[test]
fn an_import_row_closing_a_dependency_cycle_is_refused_with_its_line() {
    // The 21 columns of a table without adjustments.
    let header = COLUMNS[..21].join(",");
    let row = |id: &str, depends: &str| {
        format!(
            "{id},FRA,troops,,,exact,10,,,,,,announced,reported,2025-09-04,depends:{depends},,0,,,"
        )
    };
    let text = format!("{header}\n{}\n{}\n", row("A", "B"), row("B", "A"));
    let err = importer().import(text.as_bytes()).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("line 3, column `conditions`"), "{message}");
    assert!(
        message.contains("dependency cycle of 2 pledges"),
        "{message}"
    );
}

/// A source list is read the same whether or not it has escapes (a list
/// without them is split in place, one with them through the unescaping
/// reader): same sources, same errors, same lines.
#[test]
fn source_lists_read_alike_with_and_without_escapes() {
    let row = |id: &str, sources: &str| {
        format!("{id},FRA,troops,,,exact,10,10,,,,,announced,reported,,,{sources},0,,,\n")
    };
    let text = format!(
        "{HEADER}\n{}{}",
        row("P1", "S2;S1;S2"),
        row("P2", r"S\2;S\1;S2")
    );
    let ledger = importer().import(text.as_bytes()).expect("imports");
    let cited = |id: &str| {
        let id = PledgeId::new(id).expect("id");
        let pledge = ledger.pledge(&id).expect("pledge");
        pledge
            .sources()
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(cited("P1"), ["S1", "S2"]);
    assert_eq!(cited("P2"), cited("P1"));

    let seventeen: Vec<String> = (0..17).map(|i| format!("S{i}")).collect();
    let escaped: Vec<String> = seventeen.iter().map(|s| format!(r"\{s}")).collect();
    for (plain, escaped) in [
        (seventeen.join(";"), escaped.join(";")),
        ("S1;;S2".to_owned(), r"S\1;;S2".to_owned()),
        ("S1;".to_owned(), r"S\1;".to_owned()),
    ] {
        let text = format!("{HEADER}\n{}{}", row("P1", &plain), row("P2", &escaped));
        let found = errors(&text);
        assert_eq!(found.len(), 2, "{plain}: {found:?}");
        assert_eq!((found[0].0, found[1].0), (2, 3));
        assert_eq!(found[0].1, found[1].1, "{plain}");
        assert_eq!(found[0].2, found[1].2, "{plain}");
    }
}

/// The import splits plain lines itself and reads every other record
/// (quoted fields, carriage returns, the first record with its byte order
/// mark) as the `csv` crate does: a file with a byte order mark, or with
/// CRLF line ends and quoted notes, imports as its plain twin, and bad rows
/// are reported at their own lines whatever the line ends.
#[test]
fn crlf_line_ends_a_byte_order_mark_and_quotes_read_as_plain_lines() {
    let row = |id: &str, notes: &str| {
        format!("{id},FRA,troops,,,exact,10,10,,,,,announced,reported,,,,0,,{notes},")
    };
    let rows = |notes: &str| {
        vec![
            HEADER.to_string(),
            row("P1", ""),
            row("P2", notes),
            row("P3", ""),
        ]
    };
    let plain = rows("two").join("\n") + "\n";
    let with_mark = format!("\u{feff}{plain}");
    let crlf = rows("\"two\"").join("\r\n") + "\r\n";
    let exported =
        |text: &str| export_string(&importer().import(text.as_bytes()).expect("imports"));
    assert_eq!(exported(&with_mark), exported(&plain));
    assert_eq!(exported(&crlf), exported(&plain));

    // A row with a field too many, and one whose notes are not UTF-8, among
    // quoted rows: each reported at its own line, the rest read.
    let mut bad = plain.clone().into_bytes();
    bad.extend_from_slice(format!("{},extra\n", row("P4", "")).as_bytes());
    bad.extend_from_slice(format!("{}\n", row("P5", "\"quoted, with a comma\"")).as_bytes());
    let mut not_utf8 = row("P6", "x").into_bytes();
    let x = not_utf8.len() - 2;
    not_utf8[x] = 0xff;
    bad.extend_from_slice(&not_utf8);
    bad.extend_from_slice(b"\n");
    bad.extend_from_slice(format!("{}\n", row("P7", "")).as_bytes());
    let lines = |text: &[u8]| match importer().import(text) {
        Err(Error::CsvErrors { errors, .. }) => errors
            .iter()
            .map(|e| match e {
                Error::Csv { line, message, .. } => (*line, message.clone()),
                other => panic!("not a CSV read error: {other}"),
            })
            .collect::<Vec<_>>(),
        other => panic!("expected CSV errors, got {other:?}"),
    };
    let found = lines(&bad);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, 5);
    assert!(
        found[0].1 == "this row has 22 fields, the header has 21",
        "{}",
        found[0].1
    );
    assert_eq!(found[1].0, 7);
    assert_eq!(
        found[1].1,
        "field 20 is not UTF-8 text (its first bad byte is byte 1 of the field)"
    );
    // The error names the field's column, as other field errors do.
    let Err(Error::CsvErrors { errors, .. }) = importer().import(&bad[..]) else {
        panic!("expected CSV errors");
    };
    assert!(
        errors[1]
            .to_string()
            .starts_with("CSV line 7, column `notes`: field 20 is not UTF-8"),
        "{}",
        errors[1]
    );
    // The same rows with CRLF line ends are reported at the same lines
    // (through the `csv` crate's reader, a line early), and so are rows
    // after an empty line.
    let crlf_bad: Vec<u8> = bad
        .split(|&b| b == b'\n')
        .collect::<Vec<_>>()
        .join(&b"\r\n"[..]);
    let lines_of = |text: &[u8]| lines(text).iter().map(|(l, _)| *l).collect::<Vec<_>>();
    assert_eq!(lines_of(&crlf_bad), [5, 7]);
    let mut blank = plain.into_bytes();
    blank.extend_from_slice(b"\n\n");
    blank.extend_from_slice(format!("{},extra\n", row("P4", "")).as_bytes());
    assert_eq!(lines_of(&blank), [7]);
}

/// A reader that hands over `step` bytes a read and fails once `fail_at`
/// bytes are read, as a network stream or a pipe may.
struct Stream<'a> {
    bytes: &'a [u8],
    step: usize,
    fail_at: Option<usize>,
    read: usize,
}

impl std::io::Read for Stream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.fail_at.is_some_and(|at| self.read >= at) {
            return Err(std::io::Error::other("the connection dropped"));
        }
        let n = self.step.min(buf.len()).min(self.bytes.len());
        let (now, rest) = self.bytes.split_at(n);
        buf[..n].copy_from_slice(now);
        self.bytes = rest;
        self.read += n;
        Ok(n)
    }
}

/// However few bytes each read gives, a file reads as it does whole: the
/// byte order mark is stripped even when it arrives a byte at a time.
#[test]
fn a_byte_order_mark_is_stripped_however_the_input_arrives() {
    let row = "P1,FRA,troops,,,exact,10,10,,,,,announced,reported,,,,0,,,";
    let plain = format!("{HEADER}\n{row}\n");
    let with_mark = format!("\u{feff}{plain}");
    let whole = export_string(&importer().import(plain.as_bytes()).expect("imports"));
    for step in [1, 2, 3, 64] {
        let stream = Stream {
            bytes: with_mark.as_bytes(),
            step,
            fail_at: None,
            read: 0,
        };
        let imported = importer().import(stream);
        assert_eq!(
            imported
                .map(|l| export_string(&l))
                .map_err(|e| e.to_string()),
            Ok(whole.clone()),
            "{step} bytes a read"
        );
    }
}

/// An input that fails part way is reported at the line where reading
/// stopped, not at line 0.
#[test]
fn an_input_error_names_the_line_reading_stopped_at() {
    let row = |id: &str| format!("{id},FRA,troops,,,exact,10,10,,,,,announced,reported,,,,0,,,");
    let text = format!("{HEADER}\n{}\n{}\n{}\n", row("P1"), row("P2"), row("P3"));
    // Fails after the header and two rows, at the start of line 4.
    let upto = text
        .match_indices('\n')
        .nth(2)
        .map(|(i, _)| i + 1)
        .expect("three lines");
    let stream = Stream {
        bytes: text.as_bytes(),
        step: upto,
        fail_at: Some(upto),
        read: 0,
    };
    match importer().import(stream) {
        Err(Error::CsvErrors { errors, total: 1 }) => match &errors[..] {
            [Error::Csv { line, message, .. }] => {
                assert_eq!(*line, 4, "{message}");
                assert!(message.contains("the connection dropped"), "{message}");
            }
            other => panic!("expected the input error, got {other:?}"),
        },
        other => panic!("expected the input error, got {other:?}"),
    }
}

/// A header below empty lines is named at its own line, and one that is not
/// UTF-8 comes back among the import's errors, as every problem does.
#[test]
fn header_problems_name_the_header_line_and_come_collected() {
    let err = importer()
        .import(format!("\n\n{}\n", HEADER.replace("kind", "sort")).as_bytes())
        .unwrap_err();
    let lines = collected_lines(&err);
    assert!(!lines.is_empty() && lines.iter().all(|&l| l == 3), "{err}");
    // A quote opening the header after a byte order mark is followed as
    // any other: the field never closes, and the record is stopped at the
    // limit instead of being read whole.
    let endless = format!("\u{feff}\"id,member\n{}", "P1,FRA\n".repeat(20_000));
    let err = importer().import(endless.as_bytes()).unwrap_err();
    assert!(
        err.to_string().contains("exceeds the limit of 65536 bytes"),
        "{err}"
    );
    let mut text = HEADER.as_bytes().to_vec();
    text[1] = 0xff;
    let err = importer().import(&text[..]).unwrap_err();
    assert!(
        matches!(&err, Error::CsvErrors { errors, total: 1 } if matches!(errors[0], Error::Csv { line: 1, .. })),
        "{err:?}"
    );
}

/// The import in two stages, one after the other (for measuring them),
/// gives what the two-thread import gives: the same ledger for a large
/// file, and the same errors, in order, for one with bad rows.
#[cfg(feature = "testing")]
#[test]
fn the_import_in_stages_gives_what_the_import_gives() {
    let generated = coalition_ledger::testing::Generator::seeded(9)
        .members(12)
        .pledges(2_000)
        .ledger()
        .expect("valid");
    let text = export_string(&generated);
    let importer = Importer::new()
        .add_missing_members(true)
        .add_missing_sources(true);
    let staged = importer.import_in_stages(text.as_bytes());
    let whole = importer.import(text.as_bytes()).expect("imports");
    assert_eq!(
        export_string(&staged.ledger.expect("imports in stages")),
        export_string(&whole)
    );

    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[700] = lines[700].replace(",troops,", ",army,");
    lines[1200] = lines[5].clone();
    lines.push("P-extra,FRA".into());
    let bad = lines.join("\n") + "\n";
    let errors = |result: Result<Ledger>| format!("{:?}", result.expect_err("refused"));
    assert_eq!(
        errors(importer.import_in_stages(bad.as_bytes()).ledger),
        errors(importer.import(bad.as_bytes()))
    );
    let header_only = "id,member\n";
    assert_eq!(
        errors(importer.import_in_stages(header_only.as_bytes()).ledger),
        errors(importer.import(header_only.as_bytes()))
    );
}

/// A quoted field ends at its closing quote: anything but a delimiter, a
/// line end or the end of the input after it is an error naming the row's
/// line and the field's column, never a field silently joined (`"a"b`
/// read as `ab`). A doubled quote inside stays an escaped quote, and a
/// quote inside an unquoted field is kept as it is.
#[test]
fn text_after_a_closing_quote_is_an_error_naming_its_line_and_column() {
    let row = |id: &str, notes: &str| {
        format!("{id},FRA,troops,,,exact,5,5,,,,,announced,reported,2025-01-01,,,0,,{notes},")
    };
    let text = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row("P1", ""),
        row("P2", "\"a\"b"),
        row("P3", "\"x\" ")
    );
    assert_eq!(
        errors(&text),
        [
            (
                3,
                Some("notes".to_string()),
                "field 20 is quoted and must end at its closing quote; found `b` after it"
                    .to_string()
            ),
            (
                4,
                Some("notes".to_string()),
                "field 20 is quoted and must end at its closing quote; found a space after it"
                    .to_string()
            ),
        ]
    );
    // The last field of the last row, with nothing after it, and in a
    // field of its own: the same.
    let last = format!(
        "{HEADER}\n{}",
        row("P1", "").replace("reported", "\"reported\"x")
    );
    assert_eq!(
        errors(&last),
        [(
            2,
            Some("evidence".to_string()),
            "field 14 is quoted and must end at its closing quote; found `x` after it".to_string()
        )]
    );
    let Err(Error::CsvErrors { errors, .. }) = importer().import(last.as_bytes()) else {
        panic!("expected CSV errors");
    };
    assert_eq!(
        errors[0].to_string(),
        "CSV line 2, column `evidence`: field 14 is quoted and must end at its closing quote; \
         found `x` after it"
    );

    // Quoted fields closed properly, with escaped quotes, and quotes inside
    // unquoted fields, read as they are.
    let fine = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row("P1", "\"say \"\"hi\"\"\""),
        row("P2", "5\" gun"),
        row("P3", "\"\"")
    );
    let ledger = importer().import(fine.as_bytes()).expect("imports");
    let notes = |id: &str| {
        ledger
            .pledge(&pid(id))
            .expect("exists")
            .notes()
            .map(String::from)
    };
    assert_eq!(notes("P1").as_deref(), Some("say \"hi\""));
    assert_eq!(notes("P2").as_deref(), Some("5\" gun"));
    assert_eq!(notes("P3"), None);
    // What the export writes for them reads back the same.
    let out = export_string(&ledger);
    assert_eq!(
        export_string(&importer().import(out.as_bytes()).expect("imports")),
        out
    );
}

/// A file with carriage returns alone for line ends (as old Mac programs
/// write) is read line by line, and each row and error is at its own line.
#[test]
fn carriage_return_line_ends_count_as_lines() {
    let row = |id: &str, low: &str| {
        format!("{id},FRA,troops,,,exact,{low},5,,,,,announced,reported,2025-01-01,,,0,,,")
    };
    let text = format!("{HEADER}\r{}\r{}\r", row("P1", "5"), row("P2", "x"));
    let found = errors(&text);
    assert_eq!(
        found
            .iter()
            .map(|(l, c, _)| (*l, c.as_deref()))
            .collect::<Vec<_>>(),
        [(3, Some("low"))],
        "{found:#?}"
    );
    // Empty lines, a quoted field over two lines, a field too many and a
    // bad closing quote: each at its line, counting `\r`, `\n` and `\r\n`
    // once each.
    let text = format!(
        "{HEADER}\r\r{}\r\n{}\n{},extra\r{}\r",
        row("P1", "5"),
        row("P2", "5").replace(",0,,,", ",0,,\"two\rlines\","),
        row("P3", "5"),
        row("P4", "5").replace(",0,", ",\"0\"0,"),
    );
    let found = errors(&text);
    assert_eq!(
        found,
        [
            (
                6,
                None,
                "this row has 22 fields, the header has 21".to_string()
            ),
            (
                7,
                Some("delivered".to_string()),
                "field 18 is quoted and must end at its closing quote; found `0` after it"
                    .to_string()
            ),
        ],
        "{found:#?}"
    );
}

/// A pledge's sources are those of all its entries, 16 to an entry: more
/// than a row can carry back (its entries cite the row's sources) is an
/// export error naming the pledge, not a file the importer refuses.
#[test]
fn a_pledge_citing_more_sources_than_a_row_holds_is_an_export_error() {
    let mut l = roster();
    for i in 0..32 {
        l.add_source(Source::new(
            sid(&format!("s{i:02}")),
            "P",
            SourceKind::Media,
        ))
        .expect("adds");
    }
    let known = l.clone();
    let citing = |date: &str, range: std::ops::Range<usize>| {
        range.fold(reported(date), |p, i| p.cite(sid(&format!("s{i:02}"))))
    };
    l.open_pledge(
        troops("T", "FRA", Estimate::Exact(5)),
        citing("2025-01-01", 0..16),
    )
    .expect("opens");
    let mut out = Vec::new();
    export(&l, &mut out).expect("16 sources fit a row");
    let back = Importer::new()
        .roster(&known)
        .import(&out[..])
        .expect("and read back");
    assert_eq!(back.pledge(&pid("T")).map(|p| p.sources().len()), Some(16));

    l.annotate(&pid("T"), citing("2025-01-02", 16..32))
        .expect("annotates");
    let mut out = Vec::new();
    let err = export(&l, &mut out).expect_err("32 do not");
    assert!(matches!(err, Error::Limit { .. }), "{err:?}");
    assert!(err.to_string().contains("pledge `T`"), "{err}");
    assert!(out.is_empty(), "nothing written");
}

/// A row kept only the current evidence, so an imported pledge lost the
/// better evidence it once had (and `check` then saw it fall).
#[test]
fn a_best_evidence_better_than_the_current_one_round_trips() {
    let mut ledger = roster();
    // Verified, then only an unconfirmed report: the row needs an entry
    // after the opening, which the import adds as an annotation.
    ledger
        .open_pledge(
            troops("FRA-1", "FRA", Estimate::Exact(10)),
            verified("2025-01-01"),
        )
        .expect("opens");
    ledger
        .annotate(&pid("FRA-1"), Provenance::new(Evidence::Unconfirmed))
        .expect("annotates");
    // Verified, then delivered on a report: the delivery carries it.
    ledger
        .open_pledge(
            funding("GBR-1", "GBR", Estimate::Exact(eur("5"))),
            verified("2025-01-01"),
        )
        .expect("opens");
    ledger
        .deliver(&pid("GBR-1"), dec("2"), reported("2025-02-01"))
        .expect("delivers");
    // The same evidence throughout: the cell stays empty.
    ledger
        .open_pledge(
            troops("DEU-1", "DEU", Estimate::Exact(3)),
            reported("2025-01-01"),
        )
        .expect("opens");
    let text = export_string(&ledger);
    let header = text.lines().next().expect("a header");
    assert!(header.ends_with(",best_evidence"), "{header}");
    assert!(
        text.contains("\nFRA-1,") && text.contains(",unconfirmed,"),
        "{text}"
    );
    let imported = importer().import(text.as_bytes()).expect("imports");
    for id in ["FRA-1", "GBR-1", "DEU-1"] {
        let (a, b) = (
            ledger.pledge(&pid(id)).expect("there"),
            imported.pledge(&pid(id)).expect("imported"),
        );
        assert_eq!(
            (b.evidence(), b.best_evidence(), b.stage(), b.delivered()),
            (a.evidence(), a.best_evidence(), a.stage(), a.delivered()),
            "{id}"
        );
    }
    assert_eq!(export_string(&imported), text);
}

#[test]
fn a_ledger_whose_evidence_never_fell_keeps_its_columns_and_a_weaker_best_is_refused() {
    let mut ledger = roster();
    ledger
        .open_pledge(
            troops("FRA-1", "FRA", Estimate::Exact(10)),
            reported("2025-01-01"),
        )
        .expect("opens");
    let text = export_string(&ledger);
    assert_eq!(text.lines().next(), Some(HEADER));
    let header = format!("{HEADER},best_evidence");
    let row = |best: &str| {
        format!("{header}\nFRA-1,FRA,troops,,,exact,10,10,,,,,announced,reported,,,,0,,,,{best}\n")
    };
    let same = importer()
        .import(row("reported").as_bytes())
        .expect("the same evidence");
    assert_eq!(same.len(), 2, "a member and the opening: no annotation");
    let err = errors(&row("unconfirmed"));
    assert_eq!(
        err,
        vec![(
            2,
            Some("best_evidence".to_string()),
            "`unconfirmed` is weaker than the current evidence `reported`".to_string()
        )]
    );
    let err = errors(&row("verifed"));
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].1.as_deref(), Some("best_evidence"));
}

/// A refused withdrawal or void is read from its own column, and says so
/// (they named the line only: the ledger calls both texts `reason`).
#[test]
fn a_refused_reason_or_void_names_its_column() {
    let header = "id,member,kind,estimate,low,high,stage,evidence,date,conditions,withdrawal_reason,void_reason";
    let row = |cells: &str| format!("{header}\n{cells}\n");
    let first = |text: &str| errors(text).into_iter().next().expect("an error");
    let (line, column, message) = first(&row(
        "P1,FRA,troops,exact,5,,withdrawn,reported,2025-01-01,,no\u{202e}deal,",
    ));
    assert_eq!(
        (line, column.as_deref()),
        (2, Some("withdrawal_reason")),
        "{message}"
    );
    assert!(message.contains("U+202E"), "{message}");
    let (line, column, message) = first(&row(
        "P1,FRA,troops,exact,5,,announced,reported,2025-01-01,,,\" \"",
    ));
    assert_eq!(
        (line, column.as_deref()),
        (2, Some("void_reason")),
        "{message}"
    );
    let text = format!(
        "{header}\nP2,FRA,troops,exact,5,,announced,reported,2025-01-01,depends_on:P1,,\n\
         P1,FRA,troops,exact,5,,announced,reported,2025-01-01,,,typo\n"
    );
    let (line, column, message) = first(&text);
    assert_eq!(
        (line, column.as_deref()),
        (3, Some("void_reason")),
        "{message}"
    );
    assert!(message.contains("depends on it"), "{message}");
}

/// An equipment value out of order named the units' column in its message.
#[test]
fn a_value_range_out_of_order_names_the_value_columns() {
    let header = "id,member,kind,category,estimate,low,high,currency,value_estimate,value_low,value_high,stage,evidence";
    let text = |value: &str| {
        format!("{header}\nE1,FRA,equipment,tanks,exact,5,,EUR,{value},announced,reported\n")
    };
    assert_eq!(
        errors(&text("range,500,200")),
        vec![(
            2,
            Some("value_high".to_string()),
            "must not be below `value_low`".to_string()
        )]
    );
    assert_eq!(
        errors(&text("exact,500,200")),
        vec![(
            2,
            Some("value_high".to_string()),
            "must equal `value_low` for an exact estimate".to_string()
        )]
    );
}

/// A cell the row's kind has no place for (a capability on troops or
/// funding, an equipment value on troops, funding or a backstop, a value
/// without its shape, a size on a backstop) is an error naming its column:
/// it was accepted and dropped, so an export of the import lost it.
#[test]
fn a_cell_the_row_s_kind_cannot_hold_is_refused_at_its_column() {
    let head = "id,member,kind,category,capability,estimate,low,high,currency,value_estimate,value_low,value_high,stage,evidence\n";
    for (row, column) in [
        (
            "FRA-1,FRA,troops,,air_power,exact,5,,,,,,announced,reported",
            "capability",
        ),
        (
            "FRA-1,FRA,funding,,air_power,exact,5,,EUR,,,,announced,reported",
            "capability",
        ),
        (
            "FRA-1,FRA,troops,,,exact,5,,,exact,10,,announced,reported",
            "value_estimate",
        ),
        (
            "FRA-1,FRA,funding,,,exact,5,,EUR,exact,10,,announced,reported",
            "value_estimate",
        ),
        (
            "FRA-1,FRA,backstop,,air_power,unspecified,,,,,10,,announced,reported",
            "value_low",
        ),
        (
            "FRA-1,FRA,equipment,tanks,,exact,5,,,,10,20,announced,reported",
            "value_low",
        ),
        (
            "FRA-1,FRA,equipment,tanks,,exact,5,,,,,20,announced,reported",
            "value_high",
        ),
        (
            "FRA-1,FRA,backstop,,air_power,,5,,,,,,announced,reported",
            "low",
        ),
    ] {
        let text = format!("{head}{row}\n");
        let err = importer()
            .import(text.as_bytes())
            .expect_err(&format!("accepted, and dropped a cell: {row}"));
        assert!(
            err.to_string()
                .contains(&format!("CSV line 2, column `{column}`")),
            "{row}: {err}"
        );
    }
    // The same rows with the stray cell emptied are accepted.
    let text = format!(
        "{head}FRA-1,FRA,equipment,tanks,,exact,5,,,,,,announced,reported\n\
         FRA-2,FRA,backstop,,air_power,,,,,,,,announced,reported\n"
    );
    assert!(importer().import(text.as_bytes()).is_ok());
}

/// An unknown member named by a row's conditions is reported at the
/// `conditions` column, where it is written, not at `member` (which holds a
/// known member), naming the pledge; an unknown member of the row itself
/// stays at `member`.
#[test]
fn an_unknown_member_in_the_conditions_is_placed_at_the_conditions_column() {
    let head = "id,member,kind,estimate,low,high,stage,evidence,conditions\n";
    for (row, place) in [
        (
            "FRA-1,FRA,troops,exact,100,,announced,reported,backstop:XXX",
            "column `conditions`: pledge `FRA-1`",
        ),
        (
            "FRA-1,FRA,troops,exact,100,,announced,reported,ceasefire;parliamentary_approval:XXX",
            "column `conditions`: pledge `FRA-1`",
        ),
        (
            "XXX-1,XXX,troops,exact,100,,announced,reported,backstop:FRA",
            "column `member`",
        ),
    ] {
        let text = format!("{head}{row}\n");
        let err = Importer::new()
            .roster(&roster())
            .import(text.as_bytes())
            .expect_err(row);
        assert_eq!(
            err.to_string(),
            format!(
                "1 CSV error, nothing imported; first: CSV line 2, {place}: unknown member `XXX`"
            ),
            "{row}"
        );
    }
}

/// `Table::base_year` is kept "since tables in 2023 and 2025 prices
/// printed and serialized alike": the CSV export still writes them alike
/// (measure `real_value`, currency `USD`, nothing of the year).
#[test]
fn a_constant_price_csv_export_says_its_base_year() -> Result<()> {
    let prices = ConstantPrices::new()?;
    let table = prices.table(2025)?;
    assert_eq!(table.base_year(), Some(2025));
    let mut out = Vec::new();
    coalition_ledger::io::csv::export_table(&table, &mut out)?;
    let csv = String::from_utf8(out).expect("utf-8");
    assert!(csv.contains("2025"), "which year's prices?\n{csv}");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("note,") && l.ends_with(",values at constant 2025 prices")),
        "{csv}"
    );
    Ok(())
}
