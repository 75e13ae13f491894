//! Helpers shared by the integration tests.
#![allow(dead_code)]

use coalition_ledger::*;

pub fn d(text: &str) -> NaiveDate {
    parse_date(text).expect("test dates are valid")
}

pub fn dec(text: &str) -> Decimal {
    parse_amount(text).expect("test amounts are valid")
}

pub fn mid(text: &str) -> MemberId {
    MemberId::new(text).expect("valid member id")
}

pub fn pid(text: &str) -> PledgeId {
    PledgeId::new(text).expect("valid pledge id")
}

pub fn sid(text: &str) -> SourceId {
    SourceId::new(text).expect("valid source id")
}

pub fn gid(text: &str) -> GroupId {
    GroupId::new(text).expect("valid group id")
}

pub fn eur(text: &str) -> Money {
    Money::new(dec(text), Currency::EUR)
}

pub fn reported(date: &str) -> Provenance {
    Provenance::new(Evidence::Reported).on(d(date))
}

pub fn verified(date: &str) -> Provenance {
    Provenance::new(Evidence::Verified).on(d(date))
}

pub fn troops(id: &str, member: &str, personnel: Estimate<u64>) -> NewPledge {
    NewPledge::new(pid(id), mid(member), Contribution::Troops { personnel })
}

pub fn funding(id: &str, member: &str, amount: Estimate<Money>) -> NewPledge {
    NewPledge::new(pid(id), mid(member), Contribution::Funding { amount })
}

pub fn equipment(
    id: &str,
    member: &str,
    category: &str,
    units: Estimate<u64>,
    value: Option<Estimate<Money>>,
) -> NewPledge {
    NewPledge::new(
        pid(id),
        mid(member),
        Contribution::Equipment {
            category: Category::new(category).expect("valid category"),
            units,
            value,
        },
    )
}

pub fn backstop(id: &str, member: &str) -> NewPledge {
    NewPledge::new(
        pid(id),
        mid(member),
        Contribution::Backstop {
            capability: Capability::AirPower,
        },
    )
}

/// Members FRA (EU, NATO), GBR (NATO), DEU (EU, NATO), USA (NATO), UKR; one source.
pub fn roster() -> Ledger {
    let mut ledger = Ledger::new();
    let members = [
        ("FRA", "France", &["EU", "NATO"][..]),
        ("GBR", "United Kingdom", &["NATO"][..]),
        ("DEU", "Germany", &["EU", "NATO"][..]),
        ("USA", "United States", &["NATO"][..]),
        ("UKR", "Ukraine", &[][..]),
    ];
    for (id, name, groups) in members {
        let mut m = Member::new(mid(id), name);
        for g in groups {
            m = m.with_group(gid(g));
        }
        ledger.add_member(m).expect("valid member");
    }
    ledger
        .add_source(Source::new(sid("src"), "Reuters", SourceKind::Media))
        .expect("valid source");
    ledger
}

/// Asserts that `f` fails and leaves the ledger exactly as it was; returns the error.
pub fn rejected(ledger: &mut Ledger, f: impl FnOnce(&mut Ledger) -> Result<Recorded>) -> Error {
    let before = ledger.clone();
    let json_before = ledger.to_json();
    let err = f(ledger).expect_err("the action must be rejected");
    assert_eq!(
        *ledger, before,
        "a rejected action changed the ledger: {err}"
    );
    assert_eq!(ledger.to_json(), json_before);
    err
}

/// The errors an import collected, each with its line; panics on any
/// other error.
pub fn collected_lines(err: &Error) -> Vec<u64> {
    let Error::CsvErrors { errors, .. } = err else {
        panic!("expected CSV errors, got {err:?}")
    };
    errors
        .iter()
        .map(|e| match e {
            Error::Csv { line, .. } => *line,
            other => panic!("a CSV error, got {other:?}"),
        })
        .collect()
}

/// The EUR value of every pledge on a basis, with no exchange rates (every
/// amount the caller recorded is in EUR).
pub fn eur_value(l: &Ledger, basis: Basis) -> Result<Table> {
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    l.query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .basis(basis)
        .run()
}

/// USA's USD 1,900 of funding pledged in 2023, with USD as the base of
/// its rates and deflator indexes of 95 (2023) and 100 (2025): 2,000 in
/// 2025 prices.
pub struct ConstantPrices {
    pub ledger: Ledger,
    pub fx: FxRates,
    pub deflators: Deflators,
}

impl ConstantPrices {
    pub fn new() -> Result<ConstantPrices> {
        let mut ledger = roster();
        ledger.open_pledge(
            funding(
                "USA-f",
                "USA",
                Estimate::Exact(Money::new(dec("1900"), Currency::USD)),
            ),
            reported("2023-06-01"),
        )?;
        Ok(ConstantPrices {
            ledger,
            fx: FxRates::new(Currency::USD, RatePolicy::OnDate),
            deflators: Deflators::new()
                .with_index(Currency::USD, 2023, dec("95"))?
                .with_index(Currency::USD, 2025, dec("100"))?,
        })
    }

    /// The value pledged, in the prices of `base_year`.
    pub fn table(&self, base_year: i32) -> Result<Table> {
        self.ledger
            .query()
            .measure(Measure::RealValue {
                currency: Currency::USD,
                fx: &self.fx,
                deflators: &self.deflators,
                base_year,
            })
            .run()
    }
}

/// FRA's 1,000 troops dated 2025-01-15 and GBR's 2,000 dated only to the
/// year 2025 (effective 2025-12-31), in running totals by quarter of 2025:
/// Q1–Q3 leave GBR's entry out, pending.
pub fn pending_running() -> Result<RunningTotals> {
    let mut l = roster();
    l.open_pledge(
        troops("FRA-1", "FRA", Estimate::Exact(1_000)),
        reported("2025-01-15"),
    )?;
    l.open_pledge(
        troops("GBR-1", "GBR", Estimate::Exact(2_000)),
        Provenance::new(Evidence::Reported).within("2025".parse()?),
    )?;
    l.query().measure(Measure::Personnel).running_totals(
        Interval::Quarter,
        d("2025-01-01"),
        d("2025-12-31"),
    )
}

/// A correction of `amount` EUR to what `member` pledged, naming no pledge
/// (id `MEMBER-fix`): how a total goes below zero.
pub fn pledged_adjustment(member: &str, amount: &str) -> NewPledge {
    NewPledge::adjustment(
        pid(&format!("{member}-fix")),
        mid(member),
        AdjustmentBasis::Pledged,
        eur(amount),
    )
}

/// A checkpoint as the previous release wrote it: its header without
/// `prefix`, checksummed again.
pub fn without_prefix_checksum(checkpoint: &[u8]) -> Vec<u8> {
    let newline = checkpoint
        .iter()
        .position(|&b| b == b'\n')
        .expect("a header");
    let (header, document) = checkpoint.split_at(newline);
    let mut json: serde_json::Value = serde_json::from_slice(&header[9..]).expect("a header");
    assert!(
        json.as_object_mut()
            .expect("an object")
            .remove("prefix")
            .is_some()
    );
    let json = serde_json::to_vec(&json).expect("writes");
    let mut bytes = format!("{:08x} ", crc32fast::hash(&json)).into_bytes();
    bytes.extend_from_slice(&json);
    bytes.extend_from_slice(document);
    bytes
}

/// A fresh directory under the temporary directory, removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    /// `NAME` must be unique within a test binary (the process id keeps
    /// binaries apart).
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("cl-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    pub fn file(&self, name: &str) -> std::path::PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Offsets just after each newline: where each line of a file ends.
pub fn line_ends(bytes: &[u8]) -> Vec<usize> {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
        .collect()
}
