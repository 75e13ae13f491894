//! Arbitrary queries, scenarios, coverage and checks on an arbitrary ledger
//! built through the API from the bytes: extreme decimals and dates at the
//! ends of their range, long and cyclic dependency chains, members in many
//! groups, repeated dimensions, source lists past their limit. Every call
//! answers or fails with an error, never panics; a table never has more rows
//! than the limit; whatever the API accepted round-trips through JSON and
//! through CSV export → import → export byte for byte.
#![no_main]

use coalition_ledger::io::csv::{Importer, export};
use coalition_ledger::io::json;
use coalition_ledger::*;
use libfuzzer_sys::fuzz_target;

/// Reads the input a byte at a time; zeros once it runs out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    fn pick<'t, T>(&mut self, table: &'t [T]) -> &'t T {
        &table[usize::from(self.byte()) % table.len()]
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

const MEMBERS: [&str; 4] = ["FRA", "GBR", "USA", "DEU"];
const AMOUNTS: [&str; 10] = [
    "0",
    "1",
    "0.5",
    "1.50",
    "1000",
    "79228162514264337593543950335",
    "7922816251426433759354395033.5",
    "0.0000000000000000000000000001",
    "10000000000000000000000000000",
    "-1",
];
const DATES: [Option<&str>; 6] = [
    None,
    Some("0000-01-01"),
    Some("9999-12-31"),
    Some("2025-09-04"),
    Some("2025-02-29"),
    Some("1999-12-31"),
];
const TEXTS: [&str; 8] = ["", " padded ", "=cmd|' /C calc'!A0", "'q", "@SUM(1)", "a;b\\c", "two\nlines", "Türkiye"];

fn date(b: &mut Bytes<'_>) -> Option<NaiveDate> {
    match b.byte() % 8 {
        // Outside the years files can write: the API must refuse them.
        0 => NaiveDate::from_ymd_opt(10_000, 1, 1),
        1 => NaiveDate::from_ymd_opt(-1, 12, 31),
        _ => b.pick(&DATES).and_then(|d| parse_date(d).ok()),
    }
}

fn amount(b: &mut Bytes<'_>) -> Decimal {
    parse_amount(*b.pick(&AMOUNTS)).unwrap_or_default()
}

fn estimate<T: Copy + PartialOrd>(b: &mut Bytes<'_>, v: impl Fn(&mut Bytes<'_>) -> T) -> Estimate<T> {
    match b.byte() % 4 {
        0 => Estimate::Exact(v(b)),
        1 => {
            let (low, high) = (v(b), v(b));
            Estimate::range(low, high).unwrap_or(Estimate::Exact(low))
        }
        2 => Estimate::AtLeast(v(b)),
        _ => Estimate::Unspecified,
    }
}

fn provenance(b: &mut Bytes<'_>, sources: usize) -> Provenance {
    let evidence = *b.pick(&[Evidence::Unconfirmed, Evidence::Reported, Evidence::Verified]);
    let mut p = Provenance::new(evidence);
    if let Some(d) = date(b) {
        p = p.on(d);
    }
    // Up to 40 sources: past the limit of 16 the entry is refused.
    for i in 0..usize::from(b.byte() % 41).min(sources) {
        if let Ok(id) = SourceId::new(format!("s{i}")) {
            p = p.cite(id);
        }
    }
    p
}

fn pledge_id(i: usize) -> PledgeId {
    PledgeId::new(format!("P{i}")).expect("valid id")
}

fn build(b: &mut Bytes<'_>) -> Ledger {
    let mut ledger = Ledger::new();
    for (i, m) in MEMBERS.iter().enumerate() {
        let mut member = Member::new(MemberId::new(m).expect("id"), *m);
        // A member in up to 33 groups (one past the limit).
        for g in 0..usize::from(b.byte() % 34) {
            member = member.with_group(GroupId::new(format!("G{g}")).expect("id"));
        }
        if ledger.add_member(member).is_err() && i == 0 {
            let _ = ledger.add_member(Member::new(MemberId::new(m).expect("id"), *m));
        }
    }
    let sources = usize::from(b.byte() % 41);
    for i in 0..sources {
        let source = Source::new(SourceId::new(format!("s{i}")).expect("id"), "p", SourceKind::Media);
        let _ = ledger.add_source(source);
    }
    // A chain in one byte, now and then a long one: every pledge depends on
    // the next and on P0.
    let chain = match b.byte() {
        250.. => 1_000,
        n => usize::from(n % 4) * 10,
    };
    for i in 0..chain {
        let spec = NewPledge::new(
            pledge_id(i),
            MemberId::new("FRA").expect("id"),
            Contribution::Troops { personnel: Estimate::Exact(1) },
        )
        .with_condition(Condition::DependsOn(pledge_id(i + 1)))
        .with_condition(Condition::DependsOn(pledge_id(0)));
        let _ = ledger.open_pledge(spec, Provenance::new(Evidence::Reported));
    }
    let mut next = chain;
    while !b.is_empty() && next < chain + 64 {
        let op = b.byte() % 6;
        let target = pledge_id(usize::from(b.byte()) % (next + 1));
        let p = provenance(b, sources);
        let _ = match op {
            0 | 1 => {
                let member = MemberId::new(*b.pick(&MEMBERS)).expect("id");
                let currency = *b.pick(&[Currency::EUR, Currency::GBP, Currency::USD]);
                let contribution = match b.byte() % 4 {
                    0 => Contribution::Troops { personnel: estimate(b, |b| u64::from(b.byte()) * 1000) },
                    1 => Contribution::Funding { amount: estimate(b, |b| Money::new(amount(b), currency)) },
                    2 => Contribution::Equipment {
                        category: Category::new("air-defence").expect("id"),
                        units: estimate(b, |b| u64::from(b.byte())),
                        value: Some(estimate(b, |b| Money::new(amount(b), currency))),
                    },
                    _ => Contribution::Backstop { capability: Capability::AirPower },
                };
                let stage = *b.pick(&[Stage::Considering, Stage::Announced, Stage::Committed]);
                let mut spec = NewPledge::new(pledge_id(next), member, contribution).with_stage(stage);
                for _ in 0..b.byte() % 4 {
                    let condition = match b.byte() % 5 {
                        0 => Condition::Ceasefire,
                        1 => Condition::Backstop { by: MemberId::new(*b.pick(&MEMBERS)).expect("id") },
                        2 => Condition::DependsOn(pledge_id(usize::from(b.byte()) % (next + 2))),
                        3 => Condition::Named(b.pick(&TEXTS).to_string()),
                        _ => Condition::ParliamentaryApproval { member: MemberId::new(*b.pick(&MEMBERS)).expect("id") },
                    };
                    spec = spec.with_condition(condition);
                }
                if b.byte() % 2 == 0 {
                    spec = spec.with_notes(b.pick(&TEXTS).to_string()).with_location(b.pick(&TEXTS).to_string());
                }
                next += 1;
                ledger.open_pledge(spec, p)
            }
            2 => ledger.advance(&target, *b.pick(&[Stage::Announced, Stage::Committed, Stage::Delivered]), p),
            3 => ledger.deliver(&target, amount(b), p),
            4 => ledger.correct_delivery(&target, -amount(b), p),
            _ => ledger.withdraw(&target, b.pick(&TEXTS).to_string(), p),
        };
    }
    ledger
}

const DIMENSIONS: [Dimension; 9] = [
    Dimension::Member,
    Dimension::Group,
    Dimension::Kind,
    Dimension::Category,
    Dimension::Stage,
    Dimension::Evidence,
    Dimension::Year,
    Dimension::Month,
    Dimension::Conditional,
];

fn run_queries(b: &mut Bytes<'_>, ledger: &Ledger) {
    let fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore)
        .with_rate(Currency::GBP, parse_date("2000-01-01").expect("date"), parse_amount("1.17").expect("rate"))
        .and_then(|fx| fx.with_rate(Currency::USD, parse_date("2000-01-01").expect("date"), parse_amount("0.0000000000000000000000000001").expect("rate")))
        .expect("rates");
    for _ in 0..4 {
        let mut scenario = if b.byte() % 4 == 0 { Scenario::firm_only() } else { Scenario::new() };
        for _ in 0..b.byte() % 4 {
            let condition = match b.byte() % 3 {
                0 => Condition::Ceasefire,
                1 => Condition::Backstop { by: MemberId::new(*b.pick(&MEMBERS)).expect("id") },
                _ => Condition::DependsOn(pledge_id(usize::from(b.byte()))),
            };
            scenario = if b.byte() % 2 == 0 { scenario.holds(condition) } else { scenario.fails(condition) };
        }
        let measure = match b.byte() % 4 {
            0 => Measure::Personnel,
            1 => Measure::Units,
            2 => Measure::Count,
            _ => Measure::Value { currency: Currency::EUR, fx: &fx },
        };
        // Up to six dimensions, repeats included.
        let dimensions: Vec<Dimension> = (0..b.byte() % 7).map(|_| *b.pick(&DIMENSIONS)).collect();
        let mut query = ledger
            .query()
            .scenario(&scenario)
            .measure(measure)
            .group_by(dimensions)
            .basis(*b.pick(&[Basis::Pledged, Basis::Delivered, Basis::Outstanding]))
            .include_withdrawn(b.byte() % 2 == 0)
            .leave_out_unconvertible(b.byte() % 2 == 0);
        if let Some(d) = date(b) {
            query = query.as_of(d);
        }
        if b.byte() % 3 == 0 {
            query = query.stage_at_least(Stage::Committed);
        }
        if let Ok(table) = query.run() {
            let _ = table.to_string();
        }
        let target = match b.byte() % 3 {
            0 => Target::personnel(u64::from(b.byte()) * 1000),
            1 => Target::units(u64::from(b.byte())),
            _ => Target::value(Money::new(amount(b), Currency::EUR), &fx),
        };
        if let Ok(coverage) = query.coverage(&target) {
            let _ = coverage.to_string();
        }
    }
    let report = ledger.check(&CheckOptions::new(parse_date("2025-09-30").expect("date")));
    let _ = report.to_string();
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let ledger = build(&mut b);
    run_queries(&mut b, &ledger);
    // Everything the API accepted round-trips.
    let saved = json::to_string(&ledger);
    let loaded = json::from_str(&saved).unwrap_or_else(|e| panic!("{e}\n{saved}"));
    assert_eq!(json::to_string(&loaded), saved);
    let mut first = Vec::new();
    export(&ledger, &mut first).expect("exports");
    let importer = Importer::new().add_missing_members(true).add_missing_sources(true);
    let again = importer
        .import(&first[..])
        .unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&first)));
    let mut second = Vec::new();
    export(&again, &mut second).expect("exports");
    assert_eq!(String::from_utf8_lossy(&first), String::from_utf8_lossy(&second));
});
