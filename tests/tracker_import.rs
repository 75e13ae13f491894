//! The mapping importer: a published tracker's layout in, the ledger out,
//! every row kind once, every error with its line and column, and a new
//! release applied to a living (journal-backed) ledger as a delta.
#![cfg(feature = "csv")]

mod common;

use coalition_ledger::io::journal::{Journal, Recovery};
use coalition_ledger::io::mapping::{Mapping, NegativeRows, Scale, ZeroRows};
use coalition_ledger::*;
use common::*;

/// One row of every kind a tracker has (made up for the test).
const EVERY_KIND: &str = "\
id,donor,date,type,category,value_eur_m,status
1,Germany,2024-03-12,Commitment,military,100,
2,Germany,2024-05,Allocation,military,120,
3,Germany,2024,Commitment,military,-61.97,
4,Germany,,Allocation,military,-51.9,
5,EIB,2023-11-02,Commitment,financial,6e-05,
6,France,2024-02-01,Commitment,humanitarian,0,
7,France,2024-02-01,Commitment,humanitarian,10,draft
8,Total,,Commitment,financial,999,
9,France,2024-06-30,Allocation,humanitarian,0.5,
";

fn mapping() -> Mapping {
    Mapping::new()
        .id_prefix("t-")
        .id_column("id")
        .member_column("donor")
        .alias("Germany", mid("DEU"))
        .alias("France", mid("FRA"))
        .alias("EIB", mid("EU"))
        .date_column("date")
        .amount_column("value_eur_m")
        .currency(Currency::EUR)
        .scale(Scale::Millions)
        .scientific(true)
        .category_column("category")
        .stage_column("type")
        .stage_value("Commitment", Stage::Committed)
        .stage_value("Allocation", Stage::Delivered)
        .evidence(Evidence::Reported)
        .skip_value("status", "draft")
        .skip_if(|row| row.get("donor") == Some("Total"))
        .source(Source::new(
            sid("tracker"),
            "Support tracker",
            SourceKind::Dataset,
        ))
        .add_missing_members(true)
}

fn value<'a>(fx: &'a FxRates) -> Measure<'a> {
    Measure::Value {
        currency: Currency::EUR,
        fx,
    }
}

#[test]
fn an_import_with_every_row_kind_once() {
    let imported = mapping().import(EVERY_KIND.as_bytes()).expect("imports");
    assert_eq!(imported.rows_imported(), 7);
    assert_eq!(imported.rows_skipped(), 2, "a value map and a predicate");
    assert_eq!(
        imported.zero_rows_skipped(),
        0,
        "zero rows recorded by default"
    );
    assert_eq!(imported.adjustments(), 2);
    assert_eq!(
        imported.to_string(),
        "7 rows imported (2 adjustments), 2 skipped, 0 zero rows skipped"
    );
    let ledger = imported.into_ledger();
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let deu = mid("DEU");
    let pledged = ledger
        .query()
        .measure(value(&fx))
        .member(&deu)
        .run()
        .expect("runs");
    assert_eq!(pledged.total().low(), dec("38030000")); // 100m − 61.97m
    let delivered = ledger
        .query()
        .measure(value(&fx))
        .basis(Basis::Delivered)
        .member(&deu)
        .run()
        .expect("runs");
    assert_eq!(delivered.total().low(), dec("68100000")); // 120m − 51.9m
    // The alias: the bank's row is on the EU's line, 6e-05 million exactly.
    let eu = ledger.pledge(&pid("t-5")).expect("imported");
    assert_eq!(eu.member(), &mid("EU"));
    assert_eq!(
        eu.contribution(),
        &Contribution::Funding {
            amount: Estimate::Exact(eur("60"))
        }
    );
    // Dates as given: a day, a month, a year, none.
    let period = |id: &str| {
        ledger
            .pledge(&pid(id))
            .and_then(|p| p.period())
            .map(|d| d.to_string())
    };
    assert_eq!(period("t-1").as_deref(), Some("2024-03-12"));
    assert_eq!(period("t-2").as_deref(), Some("2024-05"));
    assert_eq!(
        ledger
            .pledge(&pid("t-3"))
            .and_then(|p| p.period())
            .map(|d| d.to_string())
            .as_deref(),
        Some("2024")
    );
    assert_eq!(period("t-4"), None);
    // The zero row is a pledge of zero; an allocation row delivers.
    let zero = ledger.pledge(&pid("t-6")).expect("recorded");
    assert_eq!(
        zero.contribution().currency().ok().flatten(),
        Some(Currency::EUR)
    );
    let allocation = ledger.pledge(&pid("t-9")).expect("recorded");
    assert_eq!(
        (allocation.stage(), allocation.delivered()),
        (Stage::Delivered, dec("500000.0"))
    );
    // Every entry cites the tracker.
    assert!(ledger.pledges().all(|p| p.sources().len() == 1));
    // Adjustments are on their basis.
    assert_eq!(
        ledger.pledge(&pid("t-4")).and_then(|p| p.adjusts()),
        Some(AdjustmentBasis::Delivered)
    );
    // Zero rows skipped by choice.
    let skipping = mapping()
        .zero_rows(ZeroRows::Skip)
        .import(EVERY_KIND.as_bytes())
        .expect("imports");
    assert_eq!(
        (skipping.rows_imported(), skipping.zero_rows_skipped()),
        (6, 1)
    );
}

#[test]
fn an_import_error_names_every_missing_column_at_once() {
    let text = "giver,when,eur\nFRA,2024-01-01,1\n";
    let err = mapping().import(text.as_bytes()).unwrap_err();
    let Error::CsvErrors { errors, total } = err else {
        panic!("expected CSV errors, got {err:?}")
    };
    let columns: Vec<Option<String>> = errors
        .iter()
        .map(|e| match e {
            Error::Csv {
                line: 1, column, ..
            } => column.clone(),
            other => panic!("a header error, got {other:?}"),
        })
        .collect();
    assert_eq!(
        columns,
        [
            Some("id".to_string()),
            Some("donor".to_string()),
            Some("date".to_string()),
            Some("value_eur_m".to_string()),
            Some("category".to_string()),
            Some("type".to_string()),
            Some("status".to_string()),
        ]
    );
    assert_eq!(total, 7);
    assert!(
        errors[1]
            .to_string()
            .contains("missing column `donor` (the file has: giver, when, eur)"),
        "{}",
        errors[1]
    );
}

#[test]
fn every_row_error_is_collected_with_its_line_and_column() {
    let text = "\
id,donor,date,type,category,value_eur_m,status
1,Germany,2024-13,Commitment,military,100,
2,Germany,2024-01-01,Pledge,military,1e3,
3,,2024-01-01,Commitment,military,1.000.0,
";
    let err = mapping()
        .scientific(false)
        .import(text.as_bytes())
        .unwrap_err();
    let Error::CsvErrors { errors, total } = err else {
        panic!("expected CSV errors")
    };
    let places: Vec<(u64, Option<String>)> = errors
        .iter()
        .map(|e| match e {
            Error::Csv { line, column, .. } => (*line, column.clone()),
            other => panic!("a row error, got {other:?}"),
        })
        .collect();
    assert_eq!(
        places,
        [
            (2, Some("date".to_string())),
            (3, Some("value_eur_m".to_string())),
            (3, Some("type".to_string())),
            (4, Some("donor".to_string())),
            (4, Some("value_eur_m".to_string())),
        ]
    );
    assert_eq!(total, 5);
    assert!(
        errors[1]
            .to_string()
            .contains("scientific notation such as 6e-05 only when the mapping allows it"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2]
            .to_string()
            .contains("unmapped value `Pledge` (mapped: Allocation, Commitment)"),
        "{}",
        errors[2]
    );
}

/// Where each row error lands, as (line, column).
fn error_places(text: &str, mapping: Mapping) -> Vec<(u64, Option<String>)> {
    match mapping.scientific(false).import(text.as_bytes()) {
        Err(Error::CsvErrors { errors, .. }) => errors
            .iter()
            .map(|e| match e {
                Error::Csv { line, column, .. } => (*line, column.clone()),
                other => panic!("a row error, got {other:?}"),
            })
            .collect(),
        Err(Error::Csv { line, column, .. }) => vec![(line, column)],
        other => panic!("expected CSV errors, got {other:?}"),
    }
}

/// Spreadsheets write `\r\n` line ends, and files have empty lines and
/// comment lines: each row error names the line its row is on, in all of
/// them alike. (Positions taken where the previous record ended put every
/// row of a `\r\n` file, and a row after an empty or comment line, a line
/// early.)
#[test]
fn row_errors_name_their_own_line_whatever_the_line_ends() {
    let lines = [
        "id,donor,date,type,category,value_eur_m,status",
        "1,Germany,2024-03-12,Commitment,military,100,",
        "2,Germany,2024-13,Commitment,military,100,",
        "3,Germany,2024-01-01,Pledge,military,100,",
    ];
    let expected = vec![(3, Some("date".to_string())), (4, Some("type".to_string()))];
    let lf = lines.join("\n") + "\n";
    let crlf = lines.join("\r\n") + "\r\n";
    assert_eq!(error_places(&lf, mapping()), expected);
    assert_eq!(error_places(&crlf, mapping()), expected);
    // Two empty lines and a comment line ahead of the bad rows: each is
    // two lines further down.
    let spaced = [lines[0], lines[1], "", "", "# a note", lines[2], lines[3]];
    let moved = vec![(6, Some("date".to_string())), (7, Some("type".to_string()))];
    for ends in ["\n", "\r\n"] {
        let text = spaced.join(ends) + ends;
        assert_eq!(
            error_places(&text, mapping().comment_lines(true)),
            moved,
            "{text:?}"
        );
    }
    // A quoted field holding a line end keeps the count right after it.
    let quoted = [
        lines[0],
        "1,Germany,2024-03-12,Commitment,military,100,\"two\r\nlines\"",
        lines[2],
    ];
    let text = quoted.join("\r\n") + "\r\n";
    assert_eq!(
        error_places(&text, mapping()),
        vec![(4, Some("date".to_string()))]
    );
}

/// A comment line ends at the same line ends as a row: `\n`, `\r\n` or a
/// `\r` alone (as old Mac programs write). Ending it at `\n` alone, a
/// comment in a file with `\r` line ends took every row after it with it,
/// without a word.
#[test]
fn a_comment_line_ends_at_a_carriage_return_too() {
    let lines = [
        "id,donor,date,type,category,value_eur_m,status",
        "# made up for the test, \"quoted",
        "1,Germany,2024-03-12,Commitment,military,100,",
        "# a note",
        "2,Germany,2024-05-01,Commitment,military,100,",
        "#",
        "3,France,2024-01-01,Allocation,humanitarian,100,",
    ];
    for ends in ["\r", "\n", "\r\n"] {
        let text = lines.join(ends) + ends;
        let imported = mapping()
            .comment_lines(true)
            .import(text.as_bytes())
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(imported.rows_imported(), 3, "{text:?}");
        assert_eq!(imported.into_ledger().pledge_count(), 3, "{text:?}");
        // The last line with no line end after it is read too.
        let unended = lines.join(ends);
        let imported = mapping().comment_lines(true).import(unended.as_bytes());
        assert_eq!(imported.map(|i| i.rows_imported()).ok(), Some(3));
    }
    // Bad rows after comment lines are named at their own lines.
    let bad = [
        lines[0],
        lines[1],
        lines[2],
        lines[3],
        "2,Germany,2024-13,Commitment,military,100,",
        lines[5],
        "3,Germany,2024-01-01,Pledge,military,100,",
    ];
    let expected = vec![(5, Some("date".to_string())), (7, Some("type".to_string()))];
    for ends in ["\r", "\n", "\r\n"] {
        let text = bad.join(ends) + ends;
        assert_eq!(
            error_places(&text, mapping().comment_lines(true)),
            expected,
            "{text:?}"
        );
    }
}

/// A comment line is skipped whatever it holds: a quote in it opens no
/// field, and its length is no record's (the reader never holds it whole).
/// A header below comment and empty lines is named at its own line.
#[test]
fn comment_lines_hold_anything_and_the_header_keeps_its_line() {
    let simple = || {
        Mapping::new()
            .comment_lines(true)
            .member_column("donor")
            .amount_column("v")
            .currency(Currency::EUR)
            .add_missing_members(true)
    };
    let long = "x".repeat(100_000);
    let text = format!("# a,\"b\n#,\"{long}\r\ndonor,v\nFRA,1\n# {long}\nDEU,2\n# end, \"");
    let ledger = simple()
        .import(text.as_bytes())
        .expect("imports")
        .into_ledger();
    assert_eq!(ledger.pledge_count(), 2);
    // The header is on line 4, past two comment lines and an empty one.
    let text = "# note\n\n# more\ndonor,v\nFRA,1\n";
    let places = error_places(text, simple().member_column("giver"));
    assert_eq!(places[0], (4, Some("giver".to_string())), "{places:?}");
    // A byte order mark before a comment leaves it a comment, quote and
    // length and all.
    let marked = format!("\u{feff}# a,\"b {long}\ndonor,v\nFRA,1\n");
    let ledger = simple()
        .import(marked.as_bytes())
        .expect("imports")
        .into_ledger();
    assert_eq!(ledger.pledge_count(), 1);
    // A file of nothing but comment and empty lines has no header: its
    // missing columns are named at line 1, not past its end.
    let err = simple().import("# only\n\n".as_bytes()).unwrap_err();
    let lines = collected_lines(&err);
    assert!(!lines.is_empty() && lines.iter().all(|&l| l == 1), "{err}");
    // A header that is not UTF-8 is one of the import's errors, as the docs
    // say every problem is.
    let err = simple().import(&b"don\xffor,v\nFRA,1\n"[..]).unwrap_err();
    assert!(
        matches!(&err, Error::CsvErrors { errors, total: 1 } if matches!(errors[0], Error::Csv { line: 1, .. })),
        "{err:?}"
    );
}

#[test]
fn collected_errors_stop_at_the_cap_and_count_the_rest() {
    let mut text = String::from("id,donor,date,type,category,value_eur_m,status\n");
    let rows = limits::MAX_COLLECTED_ERRORS + 5;
    for i in 0..rows {
        text.push_str(&format!("{i},Germany,2024-01-01,Commitment,military,x,\n"));
    }
    let Error::CsvErrors { errors, total } = mapping().import(text.as_bytes()).unwrap_err() else {
        panic!("expected CSV errors")
    };
    assert_eq!(errors.len(), limits::MAX_COLLECTED_ERRORS);
    assert_eq!(total, rows as u64);
}

#[test]
fn negative_rows_can_be_refused_and_a_scale_that_overflows_is_an_error() {
    let err = mapping()
        .negative_rows(NegativeRows::Refuse)
        .import(EVERY_KIND.as_bytes())
        .unwrap_err();
    assert!(err.to_string().starts_with("2 CSV errors"), "{err}");
    assert!(
        err.to_string()
            .contains("CSV line 4, column `value_eur_m`: a negative amount (-61970000.00)"),
        "{err}"
    );
    let huge = "id,donor,date,type,category,value_eur_m,status\n1,Germany,,Commitment,military,79228162514264337593543950,\n";
    let err = mapping().import(huge.as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .contains("does not fit 28 significant digits"),
        "{err}"
    );
}

#[test]
fn a_new_release_applies_to_a_journal_as_an_idempotent_delta() {
    let path = std::env::temp_dir().join(format!("cl-delta-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut journal = Journal::open(&path, Recovery::Fail).expect("creates");
    let apply = |journal: &mut Journal, text: &str| {
        let current = journal.ledger().clone();
        let mut batches = 0;
        let applied = mapping()
            .apply(text.as_bytes(), &current, 2, |batch| {
                batches += 1;
                journal.append_batch(batch).map(|_| ())
            })
            .expect("applies");
        (applied, batches)
    };
    let (first, batches) = apply(&mut journal, EVERY_KIND);
    assert_eq!(first.rows_imported(), 7);
    assert_eq!(batches, 4, "7 rows, 2 per batch");
    let after_first = journal.ledger().clone();
    // The same release again changes nothing.
    let (again, batches) = apply(&mut journal, EVERY_KIND);
    assert_eq!(
        (again.rows_imported(), again.rows_already_present()),
        (0, 7)
    );
    assert_eq!(batches, 0);
    assert_eq!(journal.ledger(), &after_first);
    // A new release with one more row appends that row only.
    let next = format!("{EVERY_KIND}10,France,2024-09-01,Commitment,military,3,\n");
    let (delta, _) = apply(&mut journal, &next);
    assert_eq!(
        (delta.rows_imported(), delta.rows_already_present()),
        (1, 7)
    );
    assert_eq!(
        journal.ledger().pledge_count(),
        after_first.pledge_count() + 1
    );
    // A release that revised a commitment and turned a commitment into an
    // allocation: a revision, a correction and an advance, once.
    let revised = next
        .replace(
            "1,Germany,2024-03-12,Commitment,military,100,",
            "1,Germany,2024-03-12,Commitment,military,101,",
        )
        .replace(
            "10,France,2024-09-01,Commitment,military,3,",
            "10,France,2024-09-01,Allocation,military,3,",
        );
    let (delta, _) = apply(&mut journal, &revised);
    assert_eq!(
        delta.to_string(),
        "0 rows imported (0 adjustments), 2 skipped, 0 zero rows skipped, 2 revised, 6 already present"
    );
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let total = |l: &Ledger, basis| {
        l.query()
            .measure(value(&fx))
            .basis(basis)
            .run()
            .expect("runs")
            .total()
            .low()
    };
    // 100m → 101m; France's 3m moves from pledged to delivered.
    assert_eq!(
        total(journal.ledger(), Basis::Pledged),
        total(&after_first, Basis::Pledged) + dec("4000000") - dec("3000000")
    );
    assert_eq!(
        total(journal.ledger(), Basis::Delivered),
        total(&after_first, Basis::Delivered) + dec("3000000")
    );
    let (again, _) = apply(&mut journal, &revised);
    assert_eq!((again.rows_revised(), again.rows_already_present()), (0, 8));
    // A row whose donor changed is a conflict naming its line; nothing is appended.
    let moved = revised.replace("5,EIB,", "5,France,");
    let before = journal.ledger().len();
    let current = journal.ledger().clone();
    let err = mapping()
        .apply(moved.as_bytes(), &current, 2, |batch| {
            journal.append_batch(batch).map(|_| ())
        })
        .unwrap_err();
    assert!(err.to_string().contains("CSV line 6"), "{err}");
    assert!(
        err.to_string()
            .contains("row `t-5` already exists with a different `member`"),
        "{err}"
    );
    assert_eq!(journal.ledger().len(), before);
    drop(journal);
    let reopened = Journal::open(&path, Recovery::Fail).expect("reopens");
    assert_eq!(
        reopened.ledger().pledge_count(),
        after_first.pledge_count() + 1
    );
    drop(reopened);
    let _ = std::fs::remove_file(&path);
}

/// The example's data file (made up) imports with the example's mapping
/// and shows what it is there to show.
#[test]
fn the_example_tracker_file_imports_and_flags_the_donors_that_over_delivered() {
    let mapping = Mapping::new()
        .comment_lines(true)
        .id_column("activity_id")
        .member_column("donor")
        .alias("Germany", mid("DEU"))
        .alias("France", mid("FRA"))
        .alias("Poland", mid("POL"))
        .alias("United Kingdom", mid("GBR"))
        .alias("European Commission", mid("EU"))
        .alias("European Investment Bank", mid("EU"))
        .date_column("announcement_date")
        .amount_column("value_eur_m")
        .currency(Currency::EUR)
        .scale(Scale::Millions)
        .scientific(true)
        .category_column("aid_type")
        .stage_column("measure_type")
        .stage_value("Commitment", Stage::Committed)
        .stage_value("Allocation", Stage::Delivered)
        .skip_value("measure_type", "Pledge (unconfirmed)")
        .add_missing_members(true);
    let text = include_str!("../examples/data/tracker.csv");
    let imported = mapping.import(text.as_bytes()).expect("imports");
    assert_eq!(
        imported.to_string(),
        "18 rows imported (2 adjustments), 1 skipped, 0 zero rows skipped"
    );
    let ledger = imported.into_ledger();
    let flagged: Vec<String> = ledger
        .check(&CheckOptions::new(d("2025-01-01")))
        .with_code(Code::MemberCategoryOverDelivered)
        .map(|diag| diag.subject().to_string())
        .collect();
    assert_eq!(flagged, ["member FRA", "member GBR"]);
}

/// The places of the errors of an `import` or `apply` of `text`.
fn refusal(result: Result<impl std::fmt::Debug>) -> Vec<String> {
    match result {
        Err(Error::CsvErrors { errors, .. }) => errors.iter().map(ToString::to_string).collect(),
        Err(other) => vec![other.to_string()],
        Ok(fine) => panic!("accepted: {fine:?}"),
    }
}

/// An id twice in one release is refused by `apply` as by `import`, at
/// the second row: a row revises one of an earlier release, never an
/// earlier row of its own, which it would replace without a word.
#[test]
fn an_id_twice_in_one_release_is_refused_by_apply_as_by_import() {
    let mapping = Mapping::new()
        .id_column("id")
        .member_column("donor")
        .amount_column("v")
        .currency(Currency::EUR)
        .add_missing_members(true);
    let text = "id,donor,v\nA1,FRA,10\nA1,FRA,20\n";
    assert_eq!(
        refusal(mapping.import(text.as_bytes())).len(),
        1,
        "import refuses it"
    );
    let mut ledger = Ledger::new();
    let current = ledger.clone();
    let applied = mapping.apply(text.as_bytes(), &current, 10, |batch| {
        for (action, provenance) in batch {
            ledger.record(action, provenance)?;
        }
        Ok(())
    });
    assert_eq!(
        refusal(applied),
        ["CSV line 3, column `id`: pledge `A1` appears twice in the release (first on line 2)"]
    );
    assert!(
        ledger.is_empty(),
        "nothing of a refused release is appended"
    );
    // A zero row skipped is no row: the id is then once, for both.
    let skipping = mapping.zero_rows(ZeroRows::Skip);
    let text = "id,donor,v\nA1,FRA,0\nA1,FRA,20\n";
    let imported = skipping.import(text.as_bytes()).expect("imports");
    assert_eq!(imported.ledger().pledge_count(), 1);
    let applied = skipping
        .apply(text.as_bytes(), &Ledger::new(), 10, |batch| {
            for (action, provenance) in batch {
                ledger.record(action, provenance)?;
            }
            Ok(())
        })
        .expect("applies");
    assert_eq!(applied.rows_imported(), 1);
    assert_eq!(ledger.pledge_count(), 1);
}

/// A mapped column named twice in the header is refused at the header:
/// which of the two holds the figures is not guessed.
#[test]
fn a_mapped_column_named_twice_is_refused() {
    let mapping = Mapping::new()
        .member_column("donor")
        .amount_column("v")
        .currency(Currency::EUR)
        .add_missing_members(true);
    assert_eq!(
        refusal(mapping.import("donor,v,v\nFRA,10,99\n".as_bytes())),
        ["CSV line 1, column `v`: column `v` appears more than once in the header"]
    );
    // A column the mapping does not read may repeat.
    let imported = mapping
        .import("donor,v,note,note\nFRA,10,a,b\n".as_bytes())
        .expect("unmapped columns are not read");
    assert_eq!(imported.ledger().pledge_count(), 1);
}

/// An empty id cell is refused, prefix or not: with a prefix it would
/// otherwise become the bare prefix.
#[test]
fn an_empty_id_is_refused_with_or_without_a_prefix() {
    for mapping in [Mapping::new(), Mapping::new().id_prefix("KIEL-")] {
        let mapping = mapping
            .id_column("id")
            .member_column("donor")
            .amount_column("v")
            .currency(Currency::EUR)
            .add_missing_members(true);
        let errors = refusal(mapping.import("id,donor,v\n,FRA,10\n".as_bytes()));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("CSV line 2, column `id`:"),
            "{errors:?}"
        );
    }
}
