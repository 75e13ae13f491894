//! Ready-made ledgers for tests, docs and demos.
//!
//! [`paris_summit`] is the "coalition of the willing" meeting in Paris as a
//! Reuters report described it. The fixture invents nothing: each fact below
//! is recorded with the sentence it comes from, and the two public facts
//! taken from outside the report (the summit's date and the EU and NATO
//! membership of the named countries) cite their own source,
//! `public-record`.
//!
//! | fact in the ledger | the report's sentence |
//! |---|---|
//! | members France, United Kingdom, Turkey, Australia, Canada, Ukraine | "The summit in Paris brought together leaders from mostly European countries plus Turkey, Australia and Canada" and "Around 30 leaders gathered in Paris on Thursday with Ukrainian President Volodymyr Zelenskiy" |
//! | France coordinates, Ukraine benefits | "French President Emmanuel Macron and President Volodymyr Zelenskiy opened discussions and presented the coalition's work on security guarantees." |
//! | the United Kingdom coordinates | "the British and French army chiefs held detailed meetings last week with coalition counterparts and were due to brief leaders on operational planning during the summit" (a concept note seen by Reuters) |
//! | the coalition as a member whose contributors are not named | "A French briefing declined to name which countries would contribute to any reassurance force." and "Which specific countries will commit troops, equipment or financial support to a reassurance force has not been publicly confirmed." |
//! | a reassurance force of unspecified size, announced, conditional on a ceasefire | "present plans for security guarantees that would protect Kyiv if a ceasefire with Russia is agreed" |
//! | ... in Ukraine and neighbouring states | "combining enduring military assistance with an international reassurance presence in Ukraine and neighbouring states" |
//! | ... conditional on a US backstop | "European leaders have repeatedly said a credible multinational reassurance force will require U.S. backing as a backstop." |
//! | technical plans complete but undisclosed | "Two European officials told attendees that the detailed \"technical\" plans prepared by participating militaries are complete, but they did not provide a public inventory of forces, locations or timelines." |
//! | European security guarantees, on the record, conditional on a ceasefire | Macron: "We are ready, us Europeans, to provide security guarantees to Ukraine." |
//! | a US backstop only considered, unconfirmed, undated, undefined | "President Donald Trump has made general promises of support but has not spelled out concrete security guarantees." and "The exact nature and scale of any U.S. contribution or legal guarantees remain undefined." |
//!
//! No figure was published, so every size is [`Estimate::Unspecified`].
//! The coalition stands as one member (`COW`) for the contributors the
//! report does not name, as trackers list "EU institutions" or SIPRI lists
//! "unknown" suppliers: it is not a country, and its name says so.

use crate::dates::parse_date;
use crate::entry::{Action, Provenance};
use crate::error::Result;
use crate::estimate::Estimate;
use crate::fx::{FxRates, RatePolicy};
use crate::ids::{Category, GroupId, MemberId, PledgeId, SourceId};
use crate::ledger::Ledger;
use crate::ledger::Record;
use crate::lifecycle::{Evidence, Stage};
use crate::member::{Member, Role};
use crate::money::{Currency, parse_amount};
use crate::pledge::{Capability, Condition, Contribution, NewPledge};
use crate::source::{Source, SourceKind};

/// The report's sentence behind the roster: the participants it names.
const PARTICIPANTS: &str = "The summit in Paris brought together leaders from mostly European \
    countries plus Turkey, Australia and Canada to set out how they would deter a renewed \
    Russian attack if a formal truce were reached.";

/// Members as (id, name, groups from the public record, roles).
const MEMBERS: [(&str, &str, &[&str], &[Role]); 8] = [
    ("FRA", "France", &["EU", "NATO"], &[Role::Coordinator]),
    ("GBR", "United Kingdom", &["NATO"], &[Role::Coordinator]),
    ("TUR", "Turkey", &["NATO"], &[]),
    ("AUS", "Australia", &[], &[]),
    ("CAN", "Canada", &["NATO"], &[]),
    ("UKR", "Ukraine", &[], &[Role::Beneficiary]),
    ("USA", "United States", &["NATO"], &[]),
    (
        "COW",
        "Coalition of the willing (contributors not named)",
        &[],
        &[Role::Contributor],
    ),
];

/// The Paris summit coalition as publicly reported (see the [module
/// docs](self) for each fact and its sentence).
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let ledger = fixtures::paris_summit();
/// let names: Vec<&str> = ledger.members().map(|m| m.name()).collect();
/// assert!(names.contains(&"Turkey") && names.contains(&"Canada"));
/// // One reassurance force, its contributors and size undisclosed.
/// let force = ledger.pledge(&PledgeId::new("COW-reassurance-force")?).expect("recorded");
/// assert_eq!(force.contribution(), &Contribution::Troops { personnel: Estimate::Unspecified });
/// // The US backstop is only considered, and unconfirmed.
/// let us = ledger.pledge(&PledgeId::new("USA-backstop")?).expect("recorded");
/// assert_eq!((us.stage(), us.evidence()), (Stage::Considering, Evidence::Unconfirmed));
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
///
/// # Example
///
/// ```
/// let ledger = coalition_ledger::fixtures::build_paris_summit()?;
/// assert_eq!(ledger.members().count(), 8);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn build_paris_summit() -> Result<Ledger> {
    let mut ledger = Ledger::new();
    add_sources(&mut ledger)?;
    for (id, name, groups, roles) in MEMBERS {
        let mut member = Member::new(MemberId::new(id)?, name);
        for group in groups {
            member = member.with_group(GroupId::new(group)?);
        }
        for role in roles {
            member = member.with_role(*role);
        }
        // Named in the report (`reuters-paris`); groups from the public
        // record (`public-record`).
        let mut provenance =
            Provenance::new(Evidence::Verified).cite(SourceId::new("reuters-paris")?);
        if !groups.is_empty() {
            provenance = provenance.cite(SourceId::new("public-record")?);
        }
        ledger.record(Action::AddMember(Box::new(member)), provenance)?;
    }
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
        .with_title(PARTICIPANTS)
        .with_published(summit),
        Source::new(
            SourceId::new("macron-statement")?,
            "Emmanuel Macron, quoted by Reuters",
            SourceKind::Official,
        )
        .with_title("We are ready, us Europeans, to provide security guarantees to Ukraine.")
        .with_published(summit),
        Source::new(
            SourceId::new("eu-officials")?,
            "Two European officials, reported by Reuters",
            SourceKind::Briefing,
        )
        .with_title(
            "The detailed technical plans prepared by participating militaries are complete; \
             no public inventory of forces, locations or timelines",
        )
        .with_published(summit),
        Source::new(
            SourceId::new("french-briefing")?,
            "French briefing, reported by Reuters",
            SourceKind::Briefing,
        )
        .with_title("Declined to name which countries would contribute to any reassurance force")
        .with_published(summit),
        Source::new(
            SourceId::new("concept-note")?,
            "Concept note seen by Reuters",
            SourceKind::Leak,
        )
        .with_title(
            "The British and French army chiefs held detailed meetings with coalition \
             counterparts and were due to brief leaders on operational planning",
        ),
        Source::new(
            SourceId::new("public-record")?,
            "Public record (outside the report)",
            SourceKind::Official,
        )
        .with_title(
            "The Paris summit was held on Thursday 4 September 2025; EU and NATO membership \
             of the named countries",
        ),
    ];
    for source in sources {
        ledger.add_source(source)?;
    }
    Ok(())
}

fn add_pledges(ledger: &mut Ledger) -> Result<()> {
    let summit = parse_date("2025-09-04")?;
    let usa = MemberId::new("USA")?;
    let cow = MemberId::new("COW")?;
    // Dated the summit's day: the report says "Thursday"; the date is from
    // the public record.
    let on_summit = |evidence: Evidence, source: &str| -> Result<Provenance> {
        Ok(Provenance::new(evidence)
            .on(summit)
            .cite(SourceId::new(source)?)
            .cite(SourceId::new("public-record")?))
    };

    // "President Donald Trump has made general promises of support but has
    // not spelled out concrete security guarantees." / Unconfirmed: "The
    // exact nature and scale of any U.S. contribution or legal guarantees
    // remain undefined." No date is given for the promises.
    let us_backstop = NewPledge::new(
        PledgeId::new("USA-backstop")?,
        usa.clone(),
        Contribution::Backstop {
            capability: Capability::SecurityGuarantee,
        },
    )
    .with_stage(Stage::Considering)
    .with_notes(
        "General promises of support; concrete security guarantees not spelled out; \
         nature and scale of any U.S. contribution undefined",
    );
    ledger.open_pledge(
        us_backstop,
        Provenance::new(Evidence::Unconfirmed).cite(SourceId::new("reuters-paris")?),
    )?;

    // "...to present plans for security guarantees that would protect Kyiv if
    // a ceasefire with Russia is agreed" / "a credible multinational
    // reassurance force will require U.S. backing as a backstop" / "an
    // international reassurance presence in Ukraine and neighbouring
    // states" / "A French briefing declined to name which countries would
    // contribute to any reassurance force."
    let force_id = PledgeId::new("COW-reassurance-force")?;
    let force = NewPledge::new(
        force_id.clone(),
        cow.clone(),
        Contribution::Troops {
            personnel: Estimate::Unspecified,
        },
    )
    .with_stage(Stage::Announced)
    .with_category(Category::new("reassurance-force")?)
    .with_condition(Condition::Ceasefire)
    .with_condition(Condition::Backstop { by: usa })
    .with_location("Ukraine and neighbouring states")
    .with_notes(
        "Contributors not named (French briefing); which countries will commit troops \
         has not been publicly confirmed",
    );
    ledger.open_pledge(force, on_summit(Evidence::Reported, "french-briefing")?)?;
    // "Two European officials told attendees that the detailed technical
    // plans prepared by participating militaries are complete, but they did
    // not provide a public inventory of forces, locations or timelines."
    ledger.annotate(&force_id, on_summit(Evidence::Reported, "eu-officials")?)?;

    // Macron: "We are ready, us Europeans, to provide security guarantees to
    // Ukraine." The guarantees would protect Kyiv "if a ceasefire with
    // Russia is agreed".
    let guarantees = NewPledge::new(
        PledgeId::new("COW-security-guarantees")?,
        cow,
        Contribution::Backstop {
            capability: Capability::SecurityGuarantee,
        },
    )
    .with_stage(Stage::Announced)
    .with_condition(Condition::Ceasefire);
    ledger.open_pledge(
        guarantees,
        on_summit(Evidence::Verified, "macron-statement")?,
    )?;
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
/// assert_eq!(fx.convert(gbp, parse_date("2025-09-04")?)?.to_string(), "EUR 116.50");
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
