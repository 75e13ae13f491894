//! # coalition-ledger
//!
//! An append-only, auditable ledger of what the members of a coalition have
//! pledged (troops, equipment, funding and backstop guarantees), how firm
//! each pledge is, what has been delivered, and what the totals are under
//! explicit assumptions.
//!
//! It is built for programs that embed it (dashboards, news trackers,
//! planning tools), for analysts writing small Rust scripts, and for the test
//! suites of downstream tools.
//!
//! # Quick start
//!
//! ```
//! use coalition_ledger::prelude::*;
//!
//! let mut ledger = Ledger::new();
//! ledger.add_member(Member::new(MemberId::new("FRA")?, "France").with_group(GroupId::new("EU")?))?;
//! ledger.add_member(Member::new(MemberId::new("USA")?, "United States"))?;
//! ledger.add_source(Source::new(SourceId::new("elysee")?, "Élysée", SourceKind::Official))?;
//!
//! // France announces 2,000–5,000 troops, conditional on a ceasefire and a US backstop.
//! let id = PledgeId::new("FRA-reassurance")?;
//! let pledge = NewPledge::new(
//!     id.clone(),
//!     MemberId::new("FRA")?,
//!     Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? },
//! )
//! .with_condition(Condition::Ceasefire)
//! .with_condition(Condition::Backstop { by: MemberId::new("USA")? });
//! let announced = Provenance::new(Evidence::Reported)
//!     .on(parse_date("2025-09-04")?)
//!     .cite(SourceId::new("elysee")?);
//! ledger.open_pledge(pledge, announced)?;
//!
//! // Later it is formally committed, according to an official record.
//! ledger.advance(&id, Stage::Committed, Provenance::new(Evidence::Verified).on(parse_date("2025-10-01")?))?;
//!
//! let p = ledger.pledge(&id).expect("just opened");
//! assert_eq!((p.stage(), p.evidence()), (Stage::Committed, Evidence::Verified));
//!
//! // The history is kept: the state as it stood in September.
//! let september = ledger.as_of(parse_date("2025-09-30")?);
//! assert_eq!(september.ledger().pledge(&id).map(|p| p.stage()), Some(Stage::Announced));
//!
//! // Save and load as a JSON document, byte for byte.
//! let text = ledger.to_json();
//! assert_eq!(Ledger::from_json(&text)?.to_json(), text);
//! # Ok::<(), coalition_ledger::Error>(())
//! ```
//!
//! # A tour by task
//!
//! * **Record what was said.** A [`Ledger`] is a sequence of [`Entry`]s,
//!   each an [`Action`] with its [`Provenance`] (date, [`Evidence`],
//!   sources). Use [`Ledger::record`] or the helpers
//!   ([`Ledger::open_pledge`], [`Ledger::advance`], [`Ledger::revise`],
//!   [`Ledger::deliver`], [`Ledger::correct_delivery`],
//!   [`Ledger::withdraw`], [`Ledger::annotate`]). Every action is validated
//!   first; a rejected action returns an [`Error`] and changes nothing.
//! * **Read the current state.** [`Ledger::pledge`], [`Ledger::pledges`],
//!   [`Ledger::pledges_of`] and [`Ledger::pledges_of_kind`] give [`Pledge`]
//!   views: current size, stage, evidence, conditions, sources, delivered so
//!   far, stage dates.
//! * **Go back in time.** [`Ledger::as_of`] replays the entries up to a
//!   date; see [`Undated`] for entries without a date.
//! * **Add things up.** [`Ledger::query`] builds a [`Query`]: filters, a
//!   [`Scenario`], `group_by` [`Dimension`]s, a [`Measure`] and a [`Basis`];
//!   [`Query::run`] returns a [`Table`] of [`Row`]s with [`Total`]s that
//!   carry low and high bounds and count unspecified sizes.
//! * **Ask "what if".** A [`Scenario`] states which conditions hold or fail;
//!   dependencies propagate, and the US backstop is derived from the ledger
//!   unless stated.
//! * **Find the gap.** [`Query::coverage`] compares the pledges with a
//!   [`Target`] and splits them by firmness into a [`Coverage`].
//! * **Lint the data.** [`Ledger::check`] reports what is allowed but
//!   suspicious as [`Diagnostic`]s with stable codes (`CL001`…`CL019`,
//!   listed in the [`Code`] docs and below).
//! * **Convert money.** [`FxRates`] holds dated rates with an explicit
//!   [`RatePolicy`]; a missing rate is an error, never a guess, and so is a
//!   rate older than [`FxRates::with_max_age_days`] allows. Delivered money
//!   converts tranche by tranche, each at its delivery's date.
//! * **Follow the totals over time.** [`Query::running_totals`] gives the
//!   totals at the end of each month, quarter or year ([`RunningTotals`]);
//!   [`Ledger::changes`] and [`Query::changes`] say what changed between two
//!   dates ([`Changes`]).
//! * **Compare with each country.** [`Table::relative`] gives totals per
//!   capita or as a share of GDP from [`MemberAttributes`] the caller
//!   supplies; [`Measure::RealValue`] reports money in one year's prices
//!   through [`Deflators`].
//! * **Exchange data.** [`io::json`] reads and writes the whole ledger as a
//!   JSON document; `io::csv` (feature `csv`) imports and exports a flat
//!   pledge table for spreadsheets, collecting every row error with its line
//!   and column; [`io::journal`] keeps a durable append-only file that
//!   survives a crash mid-write.
//! * **Bring in a published dataset.** `io::mapping::Mapping` (feature
//!   `csv`) maps a tracker's own columns (donor, date, commitment or
//!   allocation, category, value in millions) to entries, and applies a new
//!   release to a living ledger as a delta. Real rows are dated to a month
//!   or a year ([`PartialDate`]), corrected by rows that name no pledge
//!   ([`NewPledge::adjustment`]), reported under another body's line
//!   (aliases), and rosters change ([`Action::AmendMember`]); a pledge we
//!   recorded in error is voided ([`Action::Void`]). [`Query::every_cell`]
//!   lists every member × category cell, zero where nothing counts.
//! * **Test with realistic data.** [`fixtures::paris_summit`] is the Paris
//!   summit coalition as publicly reported.
//!
//! # Totals with uncertainty
//!
//! ```
//! use coalition_ledger::prelude::*;
//!
//! let mut ledger = Ledger::new();
//! for id in ["FRA", "GBR", "DEU"] {
//!     ledger.add_member(Member::new(MemberId::new(id)?, id))?;
//! }
//! let on = Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?);
//! let pledges = [
//!     ("FRA-1", "FRA", Estimate::range(2_000, 5_000)?),
//!     ("GBR-1", "GBR", Estimate::AtLeast(3_000)),
//!     ("DEU-1", "DEU", Estimate::Unspecified),
//! ];
//! for (id, member, personnel) in pledges {
//!     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new(member)?, Contribution::Troops { personnel });
//!     ledger.open_pledge(spec, on.clone())?;
//! }
//! let table = ledger.query().measure(Measure::Personnel).run()?;
//! let total = table.total();
//! assert_eq!(total.low(), Decimal::from(5_000)); // 2,000 + 3,000
//! assert_eq!(total.high(), None);                // "at least" has no upper bound
//! assert_eq!(total.unspecified(), 1);            // Germany's size is unknown, not zero
//! assert_eq!(total.to_string(), "≥ 5,000 (3 pledges, 1 unspecified)");
//! # Ok::<(), coalition_ledger::Error>(())
//! ```
//!
//! A total's `high` is `None` (shown `≥ low`) as soon as one pledge counted
//! is open-ended *or unspecified*: an unknown size could be any size.
//!
//! # Scenarios
//!
//! A [`Scenario`] says which conditions hold or fail; the rest are derived
//! (the full rule is in the [`Scenario`] docs):
//!
//! * **A backstop holds only where it stands.** `Backstop { by }` holds when
//!   a backstop pledge of `by` at `Committed` or later stands *in the same
//!   scenario* with its own conditions holding; it fails when every backstop
//!   pledge of `by` is withdrawn or falls; otherwise it is unknown.
//! * **Unknown is not failed.** A backstop or a pledge that is not known (not
//!   recorded, or left out by `as_of`) makes a condition *unknown*: the
//!   pledge still counts, as conditional, unless the scenario is
//!   [`Scenario::firm_only`].
//! * **Saying a pledge fails removes it** (`fails(Condition::DependsOn(p))`)
//!   with everything that depends on it.
//! * **No cycles.** `DependsOn` and `Backstop` conditions form one graph; the
//!   entry that would close a cycle is refused by `record`, JSON load and CSV
//!   import alike. A file written before that rule may still hold one: only
//!   the pledges on it count as unknown, and tables say so.
//!
//! ```
//! use coalition_ledger::prelude::*;
//!
//! let ledger = fixtures::paris_summit();
//! let usa = MemberId::new("USA")?;
//! let if_us_fails = Scenario::new().fails(Condition::Backstop { by: usa });
//! let count = |scenario: &Scenario| -> coalition_ledger::Result<u64> {
//!     Ok(ledger.query().kind(Kind::Troops).scenario(scenario).run()?.total().count())
//! };
//! assert_eq!(count(&Scenario::new())?, 1); // the backstop is only considered: unknown
//! assert_eq!(count(&if_us_fails)?, 0);     // the reassurance force needs it
//! # Ok::<(), coalition_ledger::Error>(())
//! ```
//!
//! # Money in several currencies
//!
//! ```
//! use coalition_ledger::prelude::*;
//!
//! let mut ledger = Ledger::new();
//! ledger.add_member(Member::new(MemberId::new("GBR")?, "United Kingdom"))?;
//! let amount = Estimate::Exact(Money::parse("250000000", Currency::GBP)?);
//! let spec = NewPledge::new(PledgeId::new("GBR-fund")?, MemberId::new("GBR")?, Contribution::Funding { amount });
//! ledger.open_pledge(spec, Provenance::new(Evidence::Verified).on(parse_date("2025-09-05")?))?;
//!
//! let fx = FxRates::new(Currency::EUR, RatePolicy::LatestOnOrBefore)
//!     .with_rate(Currency::GBP, parse_date("2025-09-01")?, parse_amount("1.165")?)?;
//! let eur = ledger.query().measure(Measure::Value { currency: Currency::EUR, fx: &fx }).run()?;
//! assert_eq!(eur.total().low(), parse_amount("291250000")?);
//!
//! // With only same-day rates, the pledge's date has none: an error, not a guess.
//! let strict = FxRates::new(Currency::EUR, RatePolicy::OnDate)
//!     .with_rate(Currency::GBP, parse_date("2025-09-01")?, parse_amount("1.165")?)?;
//! let err = ledger.query().measure(Measure::Value { currency: Currency::EUR, fx: &strict }).run().unwrap_err();
//! assert_eq!(err.to_string(), "pledge `GBR-fund`: no exchange rate for GBP on 2025-09-05 into EUR");
//! assert!(matches!(err.root(), coalition_ledger::Error::MissingRate { .. }));
//! # Ok::<(), coalition_ledger::Error>(())
//! ```
//!
//! # Since the last summit
//!
//! ```
//! use coalition_ledger::prelude::*;
//!
//! let mut ledger = Ledger::new();
//! ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
//! let id = PledgeId::new("FRA-1")?;
//! let spec = NewPledge::new(id.clone(), MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? });
//! ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
//! ledger.revise(&id, Contribution::Troops { personnel: Estimate::Exact(4_000) },
//!     Provenance::new(Evidence::Verified).on(parse_date("2025-11-20")?))?;
//!
//! let troops = ledger.query().measure(Measure::Personnel);
//! let running = troops.running_totals(Interval::Quarter, parse_date("2025-07-01")?, parse_date("2025-12-31")?)?;
//! let lows: Vec<Decimal> = running.periods().map(|p| p.pledged().total().low()).collect();
//! assert_eq!(lows, [Decimal::from(2_000), Decimal::from(4_000)]);
//!
//! let changes = troops.changes(parse_date("2025-09-04")?, parse_date("2025-12-31")?)?;
//! assert!(changes.to_string().starts_with("Since 2025-09-04, to 2025-12-31: 1 revision"));
//! assert_eq!(changes.total().low_change(), Decimal::from(2_000));
//! # Ok::<(), coalition_ledger::Error>(())
//! ```
//!
//! # Exact money
//!
//! Every sum, product, conversion and delivery is exact or an
//! [`Error::Overflow`] naming the pledge: `rust_decimal`'s own checked
//! operations round once a result needs more than 28 significant digits,
//! so the crate computes each result exactly and refuses what does not fit.
//! The one operation that cannot always be exact, dividing an equipment
//! value into its delivered and outstanding shares, rounds outward (a low
//! bound down, a high bound up) and marks the total
//! ([`Total::is_rounded`], and a note in its `Display`). A printed table
//! rounds money to the currency's minor unit ([`Currency::minor_units`];
//! bounds outward), groups thousands and adds a note when rounding changed
//! a figure; a printed [`Money`] shows every digit it holds. The API, JSON
//! and CSV keep every digit, and amounts below the minor unit are allowed.
//!
//! # Coverage of a target
//!
//! ```
//! use coalition_ledger::prelude::*;
//!
//! let coverage = fixtures::paris_summit()
//!     .query()
//!     .category(&Category::new("reassurance-force")?)
//!     .coverage(&Target::personnel(25_000))?;
//! assert_eq!(coverage.firm().count(), 0);
//! assert_eq!(coverage.gap().low(), Decimal::from(25_000));
//! # Ok::<(), coalition_ledger::Error>(())
//! ```
//!
//! # Embedding in an application
//!
//! An application keeps its ledger in an [`io::journal::Journal`]: one
//! file, held by one writer (a second writer gets an error at once), where
//! every acknowledged write is synced before the call returns. The journal
//! implements [`Record`], so the ledger's write helpers (`add_member`,
//! `open_pledge`, `advance`, ...) work on it unchanged; reads go to
//! [`Journal::ledger`](io::journal::Journal::ledger). For throughput,
//! [`Journal::batch`](io::journal::Journal::batch) makes many entries
//! durable with one sync, all or nothing.
//!
//! Readers never wait for the writer: [`Journal::snapshot`](io::journal::Journal::snapshot)
//! is a cheap copy of the ledger (its columns share immutable chunks) that
//! stays valid while the writer appends. A [`Ledger`] is `Send + Sync`:
//! hand snapshots to reader threads, and take a new one when they need
//! newer data.
//!
//! ```
//! use std::thread;
//!
//! use coalition_ledger::io::journal::{Journal, Recovery};
//! use coalition_ledger::prelude::*;
//!
//! let dir = std::env::temp_dir().join(format!("embedding-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! std::fs::create_dir_all(&dir)?;
//! let mut journal = Journal::open(dir.join("coalition.journal"), Recovery::Fail)?;
//! journal.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
//!
//! // A reader works on a snapshot while the writer goes on appending.
//! let snapshot = journal.snapshot();
//! let reader = thread::spawn(move || snapshot.query().run().map(|t| t.total().count()));
//! journal.batch(|batch| {
//!     for n in 1..=3 {
//!         let spec = NewPledge::new(
//!             PledgeId::new(format!("FRA-{n}"))?,
//!             MemberId::new("FRA")?,
//!             Contribution::Troops { personnel: Estimate::Unspecified },
//!         );
//!         batch.open_pledge(spec, Provenance::new(Evidence::Reported))?;
//!     }
//!     Ok(())
//! })?;
//! let seen_by_reader = reader.join().map_err(|_| "reader panicked")??;
//! assert_eq!(seen_by_reader, 0); // the snapshot predates the batch
//! assert_eq!(journal.ledger().pledge_count(), 3);
//!
//! // After a restart, the journal replays to the same state.
//! drop(journal);
//! let reopened = Journal::open(dir.join("coalition.journal"), Recovery::TruncateTornTail)?;
//! assert_eq!(reopened.ledger().pledge_count(), 3);
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! See [`io::journal`] for recovery after a crash, idempotency keys,
//! checkpoints and salvage, and [`io::json`] for whole-document snapshots
//! on disk.
//!
//! # `as_of` and undated entries
//!
//! [`Ledger::as_of`] replays the history up to a date. Real rows are often
//! undated, and an undated claim cannot be placed before any date, so:
//!
//! * the entries adding members and sources always apply; their
//!   amendments are dated like any entry (a member joins a group on a day);
//! * a dated entry applies when its date is on or before the `as_of` date;
//!   a date known only to a month or a year ([`PartialDate`]) takes effect
//!   at the end of its period, so `2024-03` applies from `2024-03-31` on,
//!   and a query before then says it left it out
//!   ([`LeftOut::pending_periods`]);
//! * an undated pledge entry or amendment is left out unless
//!   [`Undated::Include`] says to count it at every date
//!   ([`Ledger::as_of_with`]), and a query counts those it leaves out
//!   ([`LeftOut::undated_entries`]);
//! * an entry that cannot apply without one that was left out (an advance of
//!   a pledge whose opening was undated) is left out too, and listed by
//!   sequence number in [`Snapshot::left_out`]. Nothing is dropped silently.
//!
//! ```
//! use coalition_ledger::prelude::*;
//!
//! let mut ledger = Ledger::new();
//! ledger.add_member(Member::new(MemberId::new("USA")?, "United States"))?;
//! let backstop = PledgeId::new("USA-backstop")?;
//! let spec = NewPledge::new(backstop.clone(), MemberId::new("USA")?, Contribution::Backstop { capability: Capability::AirPower });
//! ledger.open_pledge(spec, Provenance::new(Evidence::Unconfirmed))?; // undated
//! ledger.advance(&backstop, Stage::Committed, Provenance::new(Evidence::Reported).on(parse_date("2025-09-10")?))?;
//!
//! let date = parse_date("2025-09-30")?;
//! let strict = ledger.as_of(date);
//! assert_eq!(strict.ledger().pledge_count(), 0);
//! assert_eq!(strict.left_out(), [2]); // the dated advance needs the undated opening
//!
//! let counted = ledger.as_of_with(date, Undated::Include);
//! assert_eq!(counted.ledger().pledge(&backstop).map(|p| p.stage()), Some(Stage::Committed));
//! # Ok::<(), coalition_ledger::Error>(())
//! ```
//!
//! # What totals leave out
//!
//! A [`Table`] or [`Coverage`] counts what its filters select, and says in
//! numbers (`left_out()`) and in its printed notes what it did *not* count
//! and why: pledges a [`Scenario`] excludes, entries `as_of` left out
//! because they are undated, and, only when the query asks for it with
//! `leave_out_unconvertible`, amounts that could not be converted (by
//! default a missing rate is an error). Filters the caller set (kind, stage,
//! evidence, withdrawn) need no note. An unspecified size is never zero: it
//! is counted in [`Total::unspecified`] and makes the high bound unbounded.
//!
//! ```
//! use coalition_ledger::prelude::*;
//!
//! let mut ledger = Ledger::new();
//! ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
//! let spec = NewPledge::new(PledgeId::new("FRA-1")?, MemberId::new("FRA")?, Contribution::Troops { personnel: Estimate::Exact(2_000) })
//!     .with_condition(Condition::Ceasefire);
//! ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
//!
//! let no_ceasefire = Scenario::new().fails(Condition::Ceasefire);
//! let table = ledger.query().scenario(&no_ceasefire).run()?;
//! assert_eq!(table.total().count(), 0);
//! assert_eq!(table.left_out().by_scenario(), 1); // said, not silently dropped
//! # Ok::<(), coalition_ledger::Error>(())
//! ```
//!
//! # Checks
//!
//! | code | default | what it finds |
//! |---|---|---|
//! | CL001 | warning | a pledge without any source |
//! | CL002 | warning | a pledge at `Committed` or later whose best evidence is `Unconfirmed` |
//! | CL003 | warning | a pledge conditional on a backstop by a member with no backstop pledge |
//! | CL004 | error | a cycle of `DependsOn` and `Backstop` conditions |
//! | CL005 | warning | money in a currency with no usable rate for its date (when rates are given) |
//! | CL006 | warning | delivered exceeds the pledged upper bound |
//! | CL007 | info | announced long before the reference date and never advanced |
//! | CL008 | warning | same member, kind, category, size, date, stage and delivered amount as another pledge (sources aside) |
//! | CL009 | warning | equipment value per unit below the category's plausible floor |
//! | CL010 | warning | an entry dated after the reference date |
//! | CL011 | info | a member with no pledges (beneficiaries aside) |
//! | CL012 | info | an entry dated before an earlier entry |
//! | CL013 | info | an undated pledge entry |
//! | CL014 | warning | a condition that depends on a withdrawn or voided pledge |
//! | CL015 | warning | an entry from an older file that only that format version's rules accept |
//! | CL016 | info | an adjustment: a change to a member's total that names no pledge |
//! | CL017 | warning | a member delivered more money than it pledged in a category (threshold: a cent) |
//! | CL018 | warning | a member delivered more than it pledged of a kind |
//! | CL019 | info | a pledge we voided as recorded in error |
//!
//! ```
//! use coalition_ledger::prelude::*;
//!
//! let mut ledger = Ledger::new();
//! ledger.add_member(Member::new(MemberId::new("DEU")?, "Germany"))?;
//! let id = PledgeId::new("DEU-mil-17")?;
//! let amount = Estimate::Exact(Money::parse("50000000", Currency::EUR)?);
//! let spec = NewPledge::new(id.clone(), MemberId::new("DEU")?, Contribution::Funding { amount });
//! let on = |d: &str| -> coalition_ledger::Result<Provenance> { Ok(Provenance::new(Evidence::Verified).on(parse_date(d)?)) };
//! ledger.open_pledge(spec, on("2025-01-10")?)?;
//! ledger.deliver(&id, parse_amount("61900000")?, on("2025-06-01")?)?;
//!
//! let report = ledger.check(&CheckOptions::new(parse_date("2025-12-31")?));
//! let lines: Vec<String> = report.with_code(Code::OverDelivered).map(|d| d.to_string()).collect();
//! assert_eq!(lines, ["warning[CL006]: pledge DEU-mil-17: delivered EUR 61,900,000 exceeds pledged EUR 50,000,000"]);
//! # Ok::<(), coalition_ledger::Error>(())
//! ```
//!
//! # The lifecycle
//!
//! | rule | |
//! |---|---|
//! | stages move forward | `Considering → Announced → Committed → Delivered`, skipping allowed |
//! | withdrawal | from any stage before `Delivered`, with a reason |
//! | terminal stages | `Delivered` takes no stage change, but still takes deliveries, corrections, revisions and annotations (real trackers correct delivered figures); `Withdrawn` takes nothing |
//! | opening stage | `Considering`, `Announced` or `Committed` |
//! | revisions | any size, up or down; same kind, equipment category and currency |
//! | deliveries | in the pledge's unit (personnel, units, money in its currency); whole numbers for personnel and units; negative only as a correction; the delivered total never drops below zero |
//! | evidence | the latest entry's evidence; [`Pledge::best_evidence`] keeps the best seen |
//! | ids | unique; an identical re-submission is [`Recorded::AlreadyPresent`], a different body is [`Error::Conflict`] naming the field |
//! | references | members, pledges and sources named by an entry must exist, except that a [`Condition::DependsOn`] may name a pledge recorded later |
//!
//! # Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `csv` | `io::csv`: CSV import and export of pledges and query tables |
//! | `testing` | `testing::Generator`: seeded large ledgers for tests and benchmarks |
//! | `parquet` | `io::parquet`: pledges, entries and query tables as Parquet files for polars, `DuckDB`, `DataFusion` and Spark |
//! | `charts` | `io::charts`: SVG charts of coverage, running totals and tables |
//!
//! The fixtures ([`fixtures`]) and the JSON and journal formats are always
//! available.
//!
//! # Design
//!
//! * **Append-only.** Nothing is edited or deleted; corrections are new
//!   entries. The derived state is updated incrementally, one entry at a time.
//! * **Two axes of firmness.** [`Stage`] and [`Evidence`] are independent.
//! * **Uncertainty is data.** Sizes are [`Estimate`]s; nothing unknown is
//!   counted as zero.
//! * **Exact money.** Amounts are [`Decimal`]s with a [`Currency`]; every
//!   arithmetic step is checked and overflow is an [`Error`].
//! * **Deterministic.** Same input, same output, byte for byte.
//! * **Limits on everything.** See [`limits`]: each limit is enforced with an
//!   error naming what was too large, and tested just below, at and above.
//! * **No panics.** Library code may not unwrap, index, panic or use
//!   unchecked arithmetic (enforced by clippy lints), every `Decimal` step is
//!   checked, and fuzz targets (JSON, CSV, journal recovery, and arbitrary
//!   action sequences against a reference model) run in CI.

#![forbid(unsafe_code)]
// docs.rs builds with `--cfg docsrs` on nightly: show which feature each item needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
#![warn(clippy::pedantic)]
#![allow(
    clippy::must_use_candidate,
    reason = "getters of plain values; `#[must_use]` is kept for builders and results whose drop is a bug"
)]
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    reason = "casts of enum indexes (< 8) and of dense indexes and counts bounded by `limits`, far below the target type's range"
)]
#![allow(
    clippy::similar_names,
    reason = "paired names such as `low`/`row` or `first`/`firm` read better than forced synonyms"
)]
#![allow(
    clippy::ref_option,
    clippy::trivially_copy_pass_by_ref,
    clippy::wildcard_imports,
    reason = "serde `with` adapters: serde fixes the signatures, and each adapter module uses its parent"
)]
#![allow(
    clippy::needless_pass_by_value,
    reason = "error mappers take their error by value so they can be passed to `map_err` directly"
)]
// No panic is reachable from the public API: library code may not unwrap,
// index, panic or use unchecked arithmetic (tests may).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )
)]
// The minimum Rust version became 1.89 (for `File::try_lock`), where clippy
// asks for let-chains instead of nested `if let`s. That is style only; the
// nested form stays allowed so that the bump does not rewrite every module.
#![allow(clippy::collapsible_if)]

mod attributes;
mod check;
mod dates;
mod deflators;
mod entry;
mod error;
mod estimate;
mod exact;
mod fx;
mod hash;
mod ids;
mod ledger;
mod lifecycle;
pub mod limits;
mod member;
mod minor_units;
mod money;
mod one_line;
mod pledge;
mod source;
mod spelling;
mod strict_maps;
mod thin_list;
mod withdrawn;
mod within_limits;

pub mod io;
// The prelude lives at the crate root because it re-exports from every
// layer, and only the root may reach all of them.
pub mod prelude {
    //! The names most programs need, in one `use`.
    //!
    //! ```
    //! use coalition_ledger::prelude::*;
    //!
    //! let mut ledger = Ledger::new();
    //! ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    //! let spec = NewPledge::new(
    //!     PledgeId::new("FRA-1")?,
    //!     MemberId::new("FRA")?,
    //!     Contribution::Troops { personnel: Estimate::range(2_000, 5_000)? },
    //! );
    //! ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date("2025-09-04")?))?;
    //! let table = ledger.query().kind(Kind::Troops).group_by([Dimension::Member]).run()?;
    //! assert_eq!(table.total().count(), 1);
    //! # Ok::<(), coalition_ledger::Error>(())
    //! ```
    //!
    //! The crate's [`Error`](crate::Error) and [`Result`](crate::Result) are
    //! left out on purpose: glob-importing them would shadow
    //! `std::result::Result` and any other `Error` in scope. Name them with
    //! their path (`coalition_ledger::Result<()>`), or import them by name.

    pub use crate::attributes::{Attribute, MemberAttributes};
    pub use crate::check::{CheckOptions, Code, Diagnostic, Report, Severity, Subject};
    pub use crate::dates::{DatePrecision, PartialDate, parse_date};
    pub use crate::deflators::Deflators;
    pub use crate::entry::{Action, ClientKey, Entry, Provenance};
    pub use crate::estimate::Estimate;
    pub use crate::fx::{Converted, FxRates, RatePolicy};
    pub use crate::ids::{Category, GroupId, MemberId, PledgeId, SourceId};
    pub use crate::ledger::{Entries, Ledger, Record, Recorded, Snapshot, Undated};
    pub use crate::ledger::{Pledge, PledgeRecord};
    pub use crate::lifecycle::{Evidence, Stage};
    pub use crate::member::{Member, Role};
    pub use crate::money::{Currency, Money, parse_amount};
    pub use crate::pledge::{
        AdjustmentBasis, Capability, Condition, Contribution, Kind, NewPledge, StageDates,
    };
    pub use crate::query::{
        Basis, Coverage, Dimension, Key, LeftOut, Measure, Query, Row, Scenario, Table, Target,
        Total,
    };
    pub use crate::query::{Change, ChangeKind, ChangeRow, Changes, RosterChange};
    pub use crate::query::{Interval, Period, RunningTotals};
    pub use crate::query::{Relative, RelativeRow, RelativeTable};
    pub use crate::source::{Source, SourceKind};
    pub use crate::testing::fixtures;

    pub use chrono::{Datelike, NaiveDate};
    pub use rust_decimal::Decimal;
}
mod query;
pub mod testing;

pub use attributes::{Attribute, MemberAttributes};
pub use check::{CheckOptions, Code, Diagnostic, Report, Severity, Subject};
pub use dates::{DatePrecision, PartialDate, parse_date};
pub use deflators::Deflators;
pub use entry::{Action, ClientKey, Entry, Provenance};
pub use error::{Error, Result};
pub use estimate::Estimate;
pub use fx::{Converted, FxRates, RatePolicy};
pub use ids::{Category, GroupId, MemberId, PledgeId, SourceId};
pub use ledger::{Entries, Ledger, Record, Recorded, Snapshot, Undated};
pub use ledger::{Pledge, PledgeRecord};
pub use lifecycle::{Evidence, Stage};
pub use member::{Member, Role};
pub use money::{Currency, Money, parse_amount};
pub use pledge::{
    AdjustmentBasis, Capability, Condition, Contribution, Kind, NewPledge, StageDates,
};
pub use query::{
    Basis, Coverage, Dimension, Key, LeftOut, Measure, Query, Row, Scenario, Table, Target, Total,
};
pub use query::{Change, ChangeKind, ChangeRow, Changes, RosterChange};
pub use query::{Interval, Period, RunningTotals};
pub use query::{Relative, RelativeRow, RelativeTable};
pub use source::{Source, SourceKind};
pub use testing::fixtures;

pub use chrono::{Datelike, NaiveDate};
pub use rust_decimal::Decimal;

/// The README's examples, compiled and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
