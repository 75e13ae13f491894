//! Ready-made ledgers for tests, docs and demos.
//!
//! [`paris_summit`] is the "coalition of the willing" meeting in Paris as
//! publicly reported (`shared/seeds/paris-summit-article.txt` in the
//! repository): about 30 leaders, mostly European plus Turkey, Australia and
//! Canada; the UK and France leading planning; Ukraine as beneficiary; a US
//! backstop promised in general terms only. No figure was published, so every
//! size is [`Estimate::Unspecified`]: the fixture invents nothing.

use crate::Record;
use crate::{
    Capability, Condition, Contribution, Currency, Estimate, Evidence, FxRates, GroupId, Ledger,
    Member, MemberId, NewPledge, PledgeId, Provenance, RatePolicy, Result, Role, Source, SourceId,
    SourceKind, Stage, parse_amount, parse_date,
};

/// Members as (id, name, groups); roles are added below.
const MEMBERS: [(&str, &str, &[&str]); 30] = [
    ("FRA", "France", &["CoW", "EU", "NATO"]),
    ("GBR", "United Kingdom", &["CoW", "NATO"]),
    ("UKR", "Ukraine", &[]),
    ("USA", "United States", &["NATO"]),
    ("DEU", "Germany", &["CoW", "EU", "NATO"]),
    ("ITA", "Italy", &["CoW", "EU", "NATO"]),
    ("ESP", "Spain", &["CoW", "EU", "NATO"]),
    ("POL", "Poland", &["CoW", "EU", "NATO"]),
    ("NLD", "Netherlands", &["CoW", "EU", "NATO"]),
    ("BEL", "Belgium", &["CoW", "EU", "NATO"]),
    ("DNK", "Denmark", &["CoW", "EU", "NATO"]),
    ("SWE", "Sweden", &["CoW", "EU", "NATO"]),
    ("FIN", "Finland", &["CoW", "EU", "NATO"]),
    ("NOR", "Norway", &["CoW", "NATO"]),
    ("EST", "Estonia", &["CoW", "EU", "NATO"]),
    ("LVA", "Latvia", &["CoW", "EU", "NATO"]),
    ("LTU", "Lithuania", &["CoW", "EU", "NATO"]),
    ("CZE", "Czechia", &["CoW", "EU", "NATO"]),
    ("PRT", "Portugal", &["CoW", "EU", "NATO"]),
    ("ROU", "Romania", &["CoW", "EU", "NATO"]),
    ("BGR", "Bulgaria", &["CoW", "EU", "NATO"]),
    ("GRC", "Greece", &["CoW", "EU", "NATO"]),
    ("HRV", "Croatia", &["CoW", "EU", "NATO"]),
    ("SVN", "Slovenia", &["CoW", "EU", "NATO"]),
    ("LUX", "Luxembourg", &["CoW", "EU", "NATO"]),
    ("IRL", "Ireland", &["CoW", "EU"]),
    ("ISL", "Iceland", &["CoW", "NATO"]),
    ("TUR", "Türkiye", &["CoW", "NATO"]),
    ("AUS", "Australia", &["CoW"]),
    ("CAN", "Canada", &["CoW", "NATO"]),
];

/// The Paris summit coalition as publicly reported.
///
/// Verified facts from the report are `Verified` or `Reported` entries; its
/// "Unconfirmed" items are `Unconfirmed` pledges with unspecified sizes. The
/// reassurance-force pledges are conditional on a ceasefire and on a US
/// backstop. The US backstop itself is undated (the report gives no date
/// for the general promises) and stands at `Considering`.
///
/// # Example
///
/// ```
/// use coalition_ledger::{fixtures, Evidence, MemberId};
///
/// let ledger = fixtures::paris_summit();
/// assert_eq!(ledger.members().count(), 30);
/// assert!(ledger.pledges().any(|p| p.evidence() == Evidence::Unconfirmed));
/// assert!(ledger.member(&MemberId::new("UKR")?).is_some());
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn paris_summit() -> Ledger {
    // The data is constant and valid (a test asserts it builds); an empty
    // ledger is returned rather than panicking should that ever change.
    build_paris_summit().unwrap_or_default()
}

/// Builds [`paris_summit`], reporting any error instead of hiding it.
///
/// # Errors
///
/// None in practice; the function exists so tests can see a failure.
pub fn build_paris_summit() -> Result<Ledger> {
    let mut ledger = Ledger::new();
    for (id, name, groups) in MEMBERS {
        let mut member = Member::new(MemberId::new(id)?, name);
        for group in groups {
            member = member.with_group(GroupId::new(group)?);
        }
        member = match id {
            "FRA" | "GBR" => member
                .with_role(Role::Coordinator)
                .with_role(Role::Contributor),
            "UKR" => member.with_role(Role::Beneficiary),
            "USA" => member.with_role(Role::Guarantor),
            _ => member.with_role(Role::Contributor),
        };
        ledger.add_member(member)?;
    }
    add_sources(&mut ledger)?;
    add_pledges(&mut ledger)?;
    Ok(ledger)
}

fn add_sources(ledger: &mut Ledger) -> Result<()> {
    let summit = parse_date("2025-09-04")?;
    let sources = [
        Source::new(
            SourceId::new("reuters-paris")?,
            "Reuters",
            SourceKind::Media,
        )
        .with_title("Coalition of the willing meets in Paris on security guarantees for Ukraine")
        .with_published(summit),
        Source::new(
            SourceId::new("macron-statement")?,
            "Élysée",
            SourceKind::Official,
        )
        .with_title("\"We are ready, us Europeans, to provide security guarantees to Ukraine\"")
        .with_published(summit),
        Source::new(
            SourceId::new("eu-officials")?,
            "Two European officials",
            SourceKind::Briefing,
        )
        .with_title("Technical plans of participating militaries are complete")
        .with_published(summit),
        Source::new(
            SourceId::new("french-briefing")?,
            "French presidency briefing",
            SourceKind::Briefing,
        )
        .with_title("Declined to name contributors to a reassurance force")
        .with_published(summit),
        Source::new(
            SourceId::new("concept-note")?,
            "Coalition concept note seen by Reuters",
            SourceKind::Leak,
        )
        .with_title("UK and French army chiefs to brief leaders on operational planning"),
    ];
    for source in sources {
        ledger.add_source(source)?;
    }
    Ok(())
}

fn add_pledges(ledger: &mut Ledger) -> Result<()> {
    let summit = parse_date("2025-09-04")?;
    let usa = MemberId::new("USA")?;
    let cite = |evidence: Evidence, source: &str| -> Result<Provenance> {
        Ok(Provenance::new(evidence)
            .on(summit)
            .cite(SourceId::new(source)?))
    };
    let force_conditions = |pledge: NewPledge| {
        pledge
            .with_condition(Condition::Ceasefire)
            .with_condition(Condition::Backstop { by: usa.clone() })
            .with_location("Ukraine and neighbouring states")
    };

    // "President Trump has made general promises of support but has not
    // spelled out concrete security guarantees": undated, no capability given.
    let us_backstop = NewPledge::new(
        PledgeId::new("USA-backstop")?,
        usa.clone(),
        Contribution::Backstop { capability: Capability::SecurityGuarantee },
    )
    .with_stage(Stage::Considering)
    .with_notes("General promises of support; nature and scale of any contribution or legal guarantee undefined");
    ledger.open_pledge(
        us_backstop,
        Provenance::new(Evidence::Reported).cite(SourceId::new("reuters-paris")?),
    )?;

    // Macron: "We are ready, us Europeans, to provide security guarantees."
    let fra_guarantee = NewPledge::new(
        PledgeId::new("FRA-guarantee")?,
        MemberId::new("FRA")?,
        Contribution::Backstop {
            capability: Capability::SecurityGuarantee,
        },
    )
    .with_condition(Condition::Ceasefire);
    ledger.open_pledge(fra_guarantee, cite(Evidence::Verified, "macron-statement")?)?;

    // The UK and France lead planning of a reassurance force; contributors
    // and sizes were not disclosed.
    for (id, member) in [("FRA-reassurance", "FRA"), ("GBR-reassurance", "GBR")] {
        let pledge = NewPledge::new(
            PledgeId::new(id)?,
            MemberId::new(member)?,
            Contribution::Troops {
                personnel: Estimate::Unspecified,
            },
        )
        .with_category(crate::Category::new("reassurance-force")?);
        ledger.open_pledge(
            force_conditions(pledge),
            cite(Evidence::Reported, "concept-note")?,
        )?;
    }

    // "Which specific countries will commit troops, equipment or financial
    // support ... has not been publicly confirmed."
    for member in [
        "DEU", "ITA", "POL", "NLD", "DNK", "SWE", "FIN", "NOR", "EST", "TUR", "AUS", "CAN",
    ] {
        let pledge = NewPledge::new(
            PledgeId::new(format!("{member}-reassurance"))?,
            MemberId::new(member)?,
            Contribution::Troops {
                personnel: Estimate::Unspecified,
            },
        )
        .with_stage(Stage::Considering)
        .with_category(crate::Category::new("reassurance-force")?)
        .with_notes(
            "Attended the summit; whether it will commit troops has not been publicly confirmed",
        );
        ledger.open_pledge(
            force_conditions(pledge),
            cite(Evidence::Unconfirmed, "french-briefing")?,
        )?;
    }

    // "European militaries have prepared technical plans for contributions":
    // enduring military assistance, sizes undisclosed.
    let assistance = NewPledge::new(
        PledgeId::new("DEU-enduring-support")?,
        MemberId::new("DEU")?,
        Contribution::Funding {
            amount: Estimate::Unspecified,
        },
    )
    .with_stage(Stage::Considering)
    .with_category(crate::Category::new("enduring-assistance")?)
    .with_notes("Technical plans prepared; contributors and amounts not disclosed");
    ledger.open_pledge(assistance, cite(Evidence::Unconfirmed, "eu-officials")?)?;
    Ok(())
}

/// A small table of rates into EUR dated 2025-09-01 (GBP, USD, CAD),
/// looked up as the latest on or before a date: enough to convert the
/// examples' figures. The rates are illustrative, close to the market at the
/// time, not an official fixing.
///
/// # Example
///
/// ```
/// use coalition_ledger::{fixtures, Currency, Money, parse_date};
///
/// let fx = fixtures::september_2025_rates();
/// let gbp = Money::parse("100", Currency::GBP)?;
/// assert_eq!(fx.convert(gbp, parse_date("2025-09-04")?)?.to_string(), "EUR 116.5");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn september_2025_rates() -> FxRates {
    // Constant, valid data; should that change, the missing rate shows up as
    // an error in the first conversion, not a panic here.
    let mut fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore);
    if let Ok(date) = parse_date("2025-09-01") {
        for (currency, rate) in [
            (Currency::GBP, "1.1650"),
            (Currency::USD, "0.8580"),
            (Currency::CAD, "0.6230"),
        ] {
            if let Ok(rate) = parse_amount(rate) {
                let _ = fx.insert(currency, date, rate);
            }
        }
    }
    fx
}
