//! Tables list every cell asked for: with `every_cell(true)`, every
//! combination of the grouped dimensions' known values has a row, zero
//! where nothing counts, and the counted rows and the total are unchanged.

mod common;

use coalition_ledger::*;
use common::*;

fn value_query(ledger: &Ledger, fx: &FxRates) -> Table {
    ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx,
        })
        .group_by([Dimension::Member, Dimension::Category])
        .every_cell(true)
        .run()
        .expect("runs")
}

#[test]
fn a_member_category_pair_with_no_rows_gets_a_zero_row() {
    let mut ledger = roster();
    for (id, member, category, amount) in [
        ("FRA-1", "FRA", "military", "10"),
        ("FRA-2", "FRA", "humanitarian", "5"),
        ("DEU-1", "DEU", "military", "7"),
    ] {
        let spec = funding(id, member, Estimate::Exact(eur(amount)))
            .with_category(Category::new(category).expect("valid"));
        ledger
            .open_pledge(spec, reported("2025-01-01"))
            .expect("opens");
    }
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let table = value_query(&ledger, &fx);
    // 5 members × 2 categories; "no category" is not listed, nothing is in it.
    assert_eq!(table.rows().len(), 10);
    let deu_humanitarian = table
        .row(&[
            Key::Member(mid("DEU")),
            Key::Category(Some(Category::new("humanitarian").expect("valid"))),
        ])
        .expect("listed");
    assert_eq!(deu_humanitarian.total().low(), Decimal::ZERO);
    assert_eq!(deu_humanitarian.total().high(), Some(Decimal::ZERO));
    assert_eq!(deu_humanitarian.total().count(), 0);
    assert_eq!(table.total().low(), dec("22"));
    // Rows are sorted by keys, as every table's are.
    let first: Vec<String> = table
        .rows()
        .take(2)
        .map(|r| {
            r.keys()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    assert_eq!(first, ["DEU/humanitarian", "DEU/military"]);
}

#[test]
fn kinds_are_those_the_measure_applies_to() {
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let ledger = roster();
    let table = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .group_by([Dimension::Kind])
        .every_cell(true)
        .run()
        .expect("runs");
    let kinds: Vec<String> = table.rows().map(|r| r.keys()[0].to_string()).collect();
    assert_eq!(kinds, ["equipment", "funding"]);
}

#[test]
fn listing_every_cell_keeps_the_counted_rows_and_the_total() {
    let ledger = fixtures::paris_summit();
    let dimensions = Dimension::ALL;
    for a in dimensions {
        for b in dimensions {
            if a == b {
                continue;
            }
            let sparse = ledger.query().group_by([a, b]).run().expect("runs");
            let every = ledger
                .query()
                .group_by([a, b])
                .every_cell(true)
                .run()
                .expect("runs");
            assert_eq!(every.total(), sparse.total(), "{a} × {b}");
            let counted: Vec<&Row> = every.rows().filter(|r| r.total().count() > 0).collect();
            let expected: Vec<&Row> = sparse.rows().filter(|r| r.total().count() > 0).collect();
            assert_eq!(counted, expected, "{a} × {b}");
            assert!(every.rows().len() >= sparse.rows().len(), "{a} × {b}");
        }
    }
}

#[test]
fn the_cells_are_bounded_by_max_rows() {
    let ledger = fixtures::paris_summit();
    let err = ledger
        .query()
        .group_by([Dimension::Member, Dimension::Stage])
        .every_cell(true)
        .max_rows(3)
        .run()
        .expect_err("more cells than allowed");
    assert!(matches!(err, Error::Limit { .. }), "{err}");
}
