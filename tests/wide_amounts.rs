//! Amounts with more significant digits than a pledge's packed state holds
//! (19 or more) are answered exactly all the same: the ledger reads them
//! from the entry that sized the pledge. And an amount's scale survives
//! the packing, trailing zeros and all.

mod common;

use coalition_ledger::CheckOptions;
use coalition_ledger::prelude::*;
use common::*;

/// 24 significant digits: no `i64` holds them.
const WIDE: &str = "1234567890123456789012.34";

fn eur_total(l: &Ledger, basis: Basis) -> Total {
    *eur_value(l, basis).expect("runs").total()
}

/// The roster with FRA's funding pledge "W" of [`WIDE`] EUR.
fn with_wide_pledge() -> Ledger {
    let mut l = roster();
    l.open_pledge(
        funding("W", "FRA", Estimate::Exact(eur(WIDE))),
        verified("2025-01-01"),
    )
    .expect("opens");
    l
}

#[test]
fn a_wide_amount_is_counted_exactly_through_a_revision() {
    let mut l = with_wide_pledge();
    l.open_pledge(
        funding("N", "DEU", Estimate::Exact(eur("0.66"))),
        verified("2025-01-01"),
    )
    .expect("opens");
    let total = eur_total(&l, Basis::Pledged);
    assert_eq!(total.low().to_string(), "1234567890123456789013.00");
    assert_eq!(
        total.high().map(|h| h.to_string()).as_deref(),
        Some("1234567890123456789013.00")
    );

    // A range from a narrow amount to a wide one.
    let range = Contribution::Funding {
        amount: Estimate::Range {
            low: eur("10"),
            high: eur("99999999999999999999999.5"),
        },
    };
    l.revise(&pid("W"), range, verified("2025-02-01"))
        .expect("revises");
    let total = eur_total(&l, Basis::Pledged);
    assert_eq!(total.low().to_string(), "10.66");
    assert_eq!(
        total.high().map(|h| h.to_string()).as_deref(),
        Some("100000000000000000000000.16")
    );

    // What is outstanding after a delivery subtracts it from both bounds.
    l.deliver(&pid("W"), dec("4"), verified("2025-03-01"))
        .expect("delivers");
    let outstanding = eur_total(&l, Basis::Outstanding);
    assert_eq!(outstanding.low().to_string(), "6.66");
    assert_eq!(
        outstanding.high().map(|h| h.to_string()).as_deref(),
        Some("99999999999999999999996.16")
    );
}

#[test]
fn delivering_more_than_a_wide_pledge_is_found() {
    let mut l = with_wide_pledge();
    let over = |l: &Ledger| {
        l.check(&CheckOptions::new(d("2025-12-31")))
            .with_code(Code::OverDelivered)
            .count()
    };
    l.deliver(&pid("W"), dec(WIDE), verified("2025-02-01"))
        .expect("delivers");
    assert_eq!(over(&l), 0);
    l.deliver(&pid("W"), dec("0.01"), verified("2025-02-02"))
        .expect("delivers");
    assert_eq!(over(&l), 1);
}

#[test]
fn trailing_zeros_survive_in_totals() {
    let mut l = roster();
    l.open_pledge(
        funding(
            "Z",
            "FRA",
            Estimate::Exact(eur("5.0000000000000000000000000000")),
        ),
        verified("2025-01-01"),
    )
    .expect("opens");
    let total = eur_total(&l, Basis::Pledged);
    assert_eq!(total.low().to_string(), "5.0000000000000000000000000000");
}

#[test]
fn a_wide_pledge_is_equal_after_a_json_round_trip() {
    let l = with_wide_pledge();
    let json = coalition_ledger::io::json::to_string(&l);
    let back = coalition_ledger::io::json::from_str(&json).expect("loads");
    assert_eq!(l, back);
    assert_eq!(eur_total(&back, Basis::Pledged).low().to_string(), WIDE);
}
