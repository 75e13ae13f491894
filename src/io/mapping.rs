//! A mapping importer for CSV files whose columns are not the crate's own
//! (feature `csv`): published trackers such as the Kiel Institute's Ukraine
//! Support Tracker, OCHA's Financial Tracking Service or IATI exports.
//!
//! A [`Mapping`] says which column holds the member, the date, the amount
//! (with its currency, or a fixed one), the category, the kind, the stage
//! and the evidence, with value maps for the columns whose words are not
//! the crate's (`"Allocation"` → [`Stage::Delivered`]); the scale of the
//! amounts (values in millions); member aliases (a body reported under
//! another's line); and which rows to skip. Each row becomes one entry:
//!
//! * a positive amount at `Considering`, `Announced` or `Committed` opens a
//!   funding pledge of that amount at that stage (equipment valued at that
//!   amount, of unknown units, when the kind is `Equipment`);
//! * a positive amount at `Delivered` records what was delivered (an
//!   allocation, a disbursement): a funding pledge of nothing more, at
//!   `Delivered`, with the amount delivered. Trackers list commitments and
//!   allocations as separate rows, so the pledged basis adds up the
//!   commitments and the delivered basis the allocations;
//! * a negative amount is an adjustment of the pledged (or, at
//!   `Delivered`, the delivered) total: see
//!   [`NewPledge::adjustment`](crate::NewPledge::adjustment). With
//!   [`Mapping::negative_rows`]`(NegativeRows::Refuse)` it is an error;
//! * a zero amount is recorded (a pledge of zero) or skipped, as
//!   [`Mapping::zero_rows`] says; skipped rows are counted in [`Imported`].
//!
//! Dates are `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (see
//! [`PartialDate`]), or empty for an undated row.
//! Amounts are plain decimals (`-61.97`), exact; scientific notation
//! (`6e-05`, as pandas writes small floats) only when
//! [`Mapping::scientific`] allows it, converted exactly. A scale multiplies
//! exactly, or the row is an error.
//!
//! Every row error is collected with its line and column (the first
//! [`MAX_COLLECTED_ERRORS`](crate::limits::MAX_COLLECTED_ERRORS), the rest
//! counted), and every column the mapping names that the file lacks is named
//! at once; on any error nothing is imported.
//!
//! # Example
//!
//! A complete mapping of a tracker laid out one row per aid activity:
//!
//! ```
//! use coalition_ledger::io::mapping::{Mapping, Scale, ZeroRows};
//! use coalition_ledger::prelude::*;
//!
//! let text = "\
//! activity,donor,announced,type,aid_type,value_eur_m,note
//! 1,Germany,2024-03-12,Commitment,Military,100,
//! 2,Germany,2024-05,Allocation,Military,80.5,
//! 3,Germany,2024,Commitment,Military,-61.97,correction
//! 4,EIB,,Commitment,Financial,6e-05,
//! 5,Germany,2024-06-01,Commitment,Humanitarian,0,
//! 6,France,2024-07-01,Pledge (draft),Financial,10,
//! ";
//! let mapping = Mapping::new()
//!     .id_column("activity")
//!     .member_column("donor")
//!     .alias("Germany", MemberId::new("DEU")?)
//!     .alias("France", MemberId::new("FRA")?)
//!     .alias("EIB", MemberId::new("EU")?) // the bank reported under the EU's line
//!     .date_column("announced")
//!     .amount_column("value_eur_m")
//!     .currency(Currency::EUR)
//!     .scale(Scale::Millions)
//!     .scientific(true)
//!     .category_column("aid_type")
//!     .kind(Kind::Funding)
//!     .stage_column("type")
//!     .stage_value("Commitment", Stage::Committed)
//!     .stage_value("Allocation", Stage::Delivered)
//!     .evidence(Evidence::Reported)
//!     .skip_value("type", "Pledge (draft)")
//!     .zero_rows(ZeroRows::Skip)
//!     .source(Source::new(SourceId::new("tracker")?, "Support tracker", SourceKind::Dataset))
//!     .add_missing_members(true);
//! let imported = mapping.import(text.as_bytes())?;
//! assert_eq!((imported.rows_imported(), imported.rows_skipped(), imported.zero_rows_skipped()), (4, 1, 1));
//! assert_eq!(imported.adjustments(), 1);
//! let ledger = imported.into_ledger();
//! let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
//! let value = Measure::Value { currency: Currency::EUR, fx: &fx };
//! let (deu_id, eu_id) = (MemberId::new("DEU")?, MemberId::new("EU")?);
//! let deu = ledger.query().measure(value).member(&deu_id);
//! assert_eq!(deu.clone().run()?.total().low(), Decimal::from(38_030_000)); // 100m − 61.97m
//! assert_eq!(deu.basis(Basis::Delivered).run()?.total().low(), Decimal::from(80_500_000));
//! let eu = ledger.query().measure(value).member(&eu_id).run()?;
//! assert_eq!(eu.total().low(), Decimal::from(60)); // 6e-05 million, exactly
//! # Ok::<(), coalition_ledger::Error>(())
//! ```

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::csv_records::{CsvRecord, Records};
use crate::dates::PartialDate;
use crate::entry::{Action, ClientKey, Provenance};
use crate::error::{Collected, Error, Result};
use crate::estimate::Estimate;
use crate::ids::{Category, MemberId, PledgeId};
use crate::ledger::{Ledger, Record};
use crate::lifecycle::{Evidence, Stage};
use crate::member::Member;
use crate::money::{Currency, Money};
use crate::pledge::{AdjustmentBasis, Contribution, Kind, NewPledge};
use crate::source::Source;

/// What the amounts of a file are counted in.
///
/// ```
/// use coalition_ledger::io::mapping::Scale;
/// assert_eq!(Scale::Millions.factor(), coalition_ledger::Decimal::from(1_000_000));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scale {
    /// Amounts as written.
    #[default]
    Units,
    /// Thousands.
    Thousands,
    /// Millions.
    Millions,
    /// Billions.
    Billions,
}

crate::spelling::spelled!(Scale, "scale", "io::mapping::Scale", {
    Units => "units",
    Thousands => "thousands",
    Millions => "millions",
    Billions => "billions",
});

impl Scale {
    /// The factor each amount is multiplied by (exactly).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Scale;
    /// assert_eq!(Scale::Billions.factor().to_string(), "1000000000");
    /// ```
    pub fn factor(self) -> Decimal {
        match self {
            Scale::Units => Decimal::ONE,
            Scale::Thousands => Decimal::from(1_000u32),
            Scale::Millions => Decimal::from(1_000_000u32),
            Scale::Billions => Decimal::from(1_000_000_000u32),
        }
    }
}

/// What the importer does with a row whose amount is zero.
///
/// ```
/// use coalition_ledger::io::mapping::ZeroRows;
/// assert_eq!(ZeroRows::default(), ZeroRows::Record);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ZeroRows {
    /// Records it: a pledge of zero (the default: nothing is dropped
    /// unless asked).
    #[default]
    Record,
    /// Skips it, counted in [`Imported::zero_rows_skipped`].
    Skip,
}

crate::spelling::spelled!(ZeroRows, "zero-row policy", "io::mapping::ZeroRows", {
    Record => "record",
    Skip => "skip",
});

/// What the importer does with a row whose amount is negative.
///
/// ```
/// use coalition_ledger::io::mapping::NegativeRows;
/// assert_eq!(NegativeRows::default(), NegativeRows::Adjust);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NegativeRows {
    /// Records it as an adjustment of the pledged total, or of the
    /// delivered total when the row's stage is `Delivered` (the default:
    /// published trackers correct earlier rows this way). `check` lists
    /// every adjustment (CL016).
    #[default]
    Adjust,
    /// Refuses it: an error naming the line and the amount column.
    Refuse,
}

crate::spelling::spelled!(NegativeRows, "negative-row policy", "io::mapping::NegativeRows", {
    Adjust => "adjust",
    Refuse => "refuse",
});

/// Where a value comes from: a fixed value, or a column (read through the
/// setting's value map, or as the crate's own spelling).
#[derive(Debug, Clone, PartialEq, Eq)]
enum From<T> {
    Fixed(T),
    Column(String),
}

/// A row as the skip predicate sees it: the file's fields by column name.
///
/// ```
/// use coalition_ledger::io::mapping::Mapping;
/// let mapping = Mapping::new().skip_if(|row| row.get("status") == Some("cancelled"));
/// # let _ = mapping;
/// ```
#[derive(Debug)]
pub struct RowView<'r> {
    header: &'r CsvRecord,
    record: &'r CsvRecord,
    line: u64,
}

impl<'r> RowView<'r> {
    /// The field of `column` (trimmed), or `None` when the file has no such
    /// column.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// let mapping = Mapping::new().skip_if(|row| row.get("donor").is_some_and(str::is_empty));
    /// # let _ = mapping;
    /// ```
    pub fn get(&self, column: &str) -> Option<&'r str> {
        let index = self.header.iter().position(|name| name.trim() == column)?;
        self.record.get(index).map(str::trim)
    }

    /// The row's 1-based line in the file.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// let mapping = Mapping::new().skip_if(|row| row.line() > 1_000);
    /// # let _ = mapping;
    /// ```
    pub fn line(&self) -> u64 {
        self.line
    }
}

type SkipIf = Arc<dyn Fn(&RowView<'_>) -> bool + Send + Sync>;

/// A mapping from a foreign CSV layout to ledger entries; see the
/// [module documentation](self) for the rules and a complete example.
///
/// ```
/// use coalition_ledger::io::mapping::Mapping;
/// use coalition_ledger::prelude::*;
///
/// let text = "donor,value\nFRA,10\n";
/// let ledger = Mapping::new()
///     .member_column("donor")
///     .amount_column("value")
///     .currency(Currency::EUR)
///     .add_missing_members(true)
///     .import(text.as_bytes())?
///     .into_ledger();
/// assert_eq!(ledger.pledge_count(), 1);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct Mapping {
    id: Option<String>,
    id_prefix: Option<String>,
    member: Option<String>,
    aliases: BTreeMap<String, MemberId>,
    date: Option<String>,
    amount: Option<String>,
    currency: Option<From<Currency>>,
    category: Option<String>,
    categories: BTreeMap<String, Category>,
    kind: Option<From<Kind>>,
    kinds: BTreeMap<String, Kind>,
    stage: Option<From<Stage>>,
    stages: BTreeMap<String, Stage>,
    evidence: Option<From<Evidence>>,
    evidences: BTreeMap<String, Evidence>,
    scale: Scale,
    scientific: bool,
    skip_values: Vec<(String, String)>,
    skip_if: Option<SkipIf>,
    zero_rows: ZeroRows,
    negative_rows: NegativeRows,
    source: Option<Source>,
    roster: Option<Ledger>,
    add_missing_members: bool,
    comment_lines: bool,
}

impl std::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mapping")
            .field("id", &self.id)
            .field("member", &self.member)
            .field("aliases", &self.aliases)
            .field("date", &self.date)
            .field("amount", &self.amount)
            .field("currency", &self.currency)
            .field("category", &self.category)
            .field("kind", &self.kind)
            .field("stage", &self.stage)
            .field("evidence", &self.evidence)
            .field("scale", &self.scale)
            .field("scientific", &self.scientific)
            .field("skip_values", &self.skip_values)
            .field("skip_if", &self.skip_if.as_ref().map(|_| "fn"))
            .field("zero_rows", &self.zero_rows)
            .field("negative_rows", &self.negative_rows)
            .finish_non_exhaustive()
    }
}

impl Mapping {
    /// An empty mapping: name at least the member and amount columns and a
    /// currency. Defaults: pledges of kind `Funding` at stage `Committed`,
    /// evidence `Reported`, amounts in units, no scientific notation, zero
    /// rows recorded, negative rows as adjustments, ids `row-LINE`.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// let err = Mapping::new().import("a\n1\n".as_bytes()).unwrap_err();
    /// assert!(err.to_string().contains("the mapping names no member column"), "{err}");
    /// ```
    pub fn new() -> Mapping {
        Mapping::default()
    }

    /// The column whose value identifies the row (the tracker's activity
    /// id): the pledge id is `PREFIX` + that value (see
    /// [`Mapping::id_prefix`]). Without it, the id is `row-` + the line, which
    /// changes when a new release inserts rows: name a column for delta
    /// imports ([`Mapping::apply`]).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let ledger = Mapping::new().id_column("id").member_column("donor").amount_column("v")
    ///     .currency(Currency::EUR).add_missing_members(true)
    ///     .import("id,donor,v\nA17,FRA,1\n".as_bytes())?.into_ledger();
    /// assert!(ledger.pledge(&PledgeId::new("A17")?).is_some());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn id_column(mut self, column: impl Into<String>) -> Mapping {
        self.id = Some(column.into());
        self
    }

    /// Text put before every pledge id (`kiel-` makes `kiel-A17`), so that
    /// two datasets' ids cannot collide.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let ledger = Mapping::new().id_prefix("kiel-").member_column("donor").amount_column("v")
    ///     .currency(Currency::EUR).add_missing_members(true)
    ///     .import("donor,v\nFRA,1\n".as_bytes())?.into_ledger();
    /// assert!(ledger.pledge(&PledgeId::new("kiel-2")?).is_some());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn id_prefix(mut self, prefix: impl Into<String>) -> Mapping {
        self.id_prefix = Some(prefix.into());
        self
    }

    /// The column holding the member: an alias ([`Mapping::alias`]) or a
    /// member id.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// let mapping = Mapping::new().member_column("donor");
    /// # let _ = mapping;
    /// ```
    pub fn member_column(mut self, column: impl Into<String>) -> Mapping {
        self.member = Some(column.into());
        self
    }

    /// Reads the member value `text` as `member`: a donor's name
    /// (`"Germany"` → `DEU`), or a body reported under another's line (a
    /// bank under the EU's).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let ledger = Mapping::new().member_column("donor").amount_column("v").currency(Currency::EUR)
    ///     .alias("European Investment Bank", MemberId::new("EU")?).add_missing_members(true)
    ///     .import("donor,v\nEuropean Investment Bank,5\n".as_bytes())?.into_ledger();
    /// assert_eq!(ledger.pledges_of(&MemberId::new("EU")?).count(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn alias(mut self, text: impl Into<String>, member: MemberId) -> Mapping {
        self.aliases.insert(text.into(), member);
        self
    }

    /// The column holding the date: `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, or
    /// empty (undated). Without it every row is undated.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// let mapping = Mapping::new().date_column("announced");
    /// # let _ = mapping;
    /// ```
    pub fn date_column(mut self, column: impl Into<String>) -> Mapping {
        self.date = Some(column.into());
        self
    }

    /// The column holding the amount.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// let mapping = Mapping::new().amount_column("value_eur");
    /// # let _ = mapping;
    /// ```
    pub fn amount_column(mut self, column: impl Into<String>) -> Mapping {
        self.amount = Some(column.into());
        self
    }

    /// Every amount is in this currency.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::Currency;
    /// let mapping = Mapping::new().currency(Currency::EUR);
    /// # let _ = mapping;
    /// ```
    pub fn currency(mut self, currency: Currency) -> Mapping {
        self.currency = Some(From::Fixed(currency));
        self
    }

    /// The column holding each amount's ISO 4217 currency code.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let ledger = Mapping::new().member_column("donor").amount_column("v").currency_column("ccy")
    ///     .add_missing_members(true).import("donor,v,ccy\nGBR,5,GBP\n".as_bytes())?.into_ledger();
    /// assert_eq!(ledger.pledges().next().and_then(|p| p.currency()), Some(Currency::GBP));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn currency_column(mut self, column: impl Into<String>) -> Mapping {
        self.currency = Some(From::Column(column.into()));
        self
    }

    /// The column holding the category label (empty: none). Its values are
    /// category labels unless [`Mapping::category_value`] maps them.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// let mapping = Mapping::new().category_column("aid_type");
    /// # let _ = mapping;
    /// ```
    pub fn category_column(mut self, column: impl Into<String>) -> Mapping {
        self.category = Some(column.into());
        self
    }

    /// Reads the category value `text` as `category`.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let mapping = Mapping::new().category_column("type").category_value("Mil.", Category::new("military")?);
    /// # let _ = mapping;
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn category_value(mut self, text: impl Into<String>, category: Category) -> Mapping {
        self.categories.insert(text.into(), category);
        self
    }

    /// Every row is of this kind: `Funding` (the default) or `Equipment`
    /// (valued at the amount, units unknown).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::Kind;
    /// let mapping = Mapping::new().kind(Kind::Funding);
    /// # let _ = mapping;
    /// ```
    pub fn kind(mut self, kind: Kind) -> Mapping {
        self.kind = Some(From::Fixed(kind));
        self
    }

    /// The column holding the kind; its values are read through
    /// [`Mapping::kind_value`], or as the crate's own spelling (`funding`).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::Kind;
    /// let mapping = Mapping::new().kind_column("aid_type").kind_value("Military", Kind::Equipment);
    /// # let _ = mapping;
    /// ```
    pub fn kind_column(mut self, column: impl Into<String>) -> Mapping {
        self.kind = Some(From::Column(column.into()));
        self
    }

    /// Reads the kind value `text` as `kind`.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::Kind;
    /// let mapping = Mapping::new().kind_column("aid_type").kind_value("Financial", Kind::Funding);
    /// # let _ = mapping;
    /// ```
    pub fn kind_value(mut self, text: impl Into<String>, kind: Kind) -> Mapping {
        self.kinds.insert(text.into(), kind);
        self
    }

    /// Every row is at this stage (default `Committed`).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::Stage;
    /// let mapping = Mapping::new().stage(Stage::Announced);
    /// # let _ = mapping;
    /// ```
    pub fn stage(mut self, stage: Stage) -> Mapping {
        self.stage = Some(From::Fixed(stage));
        self
    }

    /// The column holding the stage (a tracker's commitment / allocation
    /// type), read through [`Mapping::stage_value`] or as the crate's own
    /// spelling.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::Stage;
    /// let mapping = Mapping::new().stage_column("type").stage_value("Allocation", Stage::Delivered);
    /// # let _ = mapping;
    /// ```
    pub fn stage_column(mut self, column: impl Into<String>) -> Mapping {
        self.stage = Some(From::Column(column.into()));
        self
    }

    /// Reads the stage value `text` as `stage`.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::Stage;
    /// let mapping = Mapping::new().stage_column("type").stage_value("Commitment", Stage::Committed);
    /// # let _ = mapping;
    /// ```
    pub fn stage_value(mut self, text: impl Into<String>, stage: Stage) -> Mapping {
        self.stages.insert(text.into(), stage);
        self
    }

    /// Every row has this evidence (default `Reported`).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::Evidence;
    /// let mapping = Mapping::new().evidence(Evidence::Verified);
    /// # let _ = mapping;
    /// ```
    pub fn evidence(mut self, evidence: Evidence) -> Mapping {
        self.evidence = Some(From::Fixed(evidence));
        self
    }

    /// The column holding the evidence, read through
    /// [`Mapping::evidence_value`] or as the crate's own spelling.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::Evidence;
    /// let mapping = Mapping::new().evidence_column("status").evidence_value("confirmed", Evidence::Verified);
    /// # let _ = mapping;
    /// ```
    pub fn evidence_column(mut self, column: impl Into<String>) -> Mapping {
        self.evidence = Some(From::Column(column.into()));
        self
    }

    /// Reads the evidence value `text` as `evidence`.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::Evidence;
    /// let mapping = Mapping::new().evidence_column("status").evidence_value("press", Evidence::Unconfirmed);
    /// # let _ = mapping;
    /// ```
    pub fn evidence_value(mut self, text: impl Into<String>, evidence: Evidence) -> Mapping {
        self.evidences.insert(text.into(), evidence);
        self
    }

    /// What the amounts are counted in (values in millions, say).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::{Mapping, Scale};
    /// let mapping = Mapping::new().scale(Scale::Millions);
    /// # let _ = mapping;
    /// ```
    pub fn scale(mut self, scale: Scale) -> Mapping {
        self.scale = scale;
        self
    }

    /// Accepts amounts in scientific notation (`6e-05`, `1.5E+3`), as
    /// pandas writes small floats, converted exactly (default: refused).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let csv = "donor,v\nFRA,6e-05\n";
    /// let base = Mapping::new().member_column("donor").amount_column("v").currency(Currency::EUR).add_missing_members(true);
    /// assert!(base.clone().import(csv.as_bytes()).is_err());
    /// let ledger = base.scientific(true).import(csv.as_bytes())?.into_ledger();
    /// let amount = ledger.pledges().next().map(|p| p.contribution().clone());
    /// assert_eq!(amount, Some(Contribution::Funding { amount: Estimate::Exact(Money::parse("0.00006", Currency::EUR)?) }));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn scientific(mut self, allow: bool) -> Mapping {
        self.scientific = allow;
        self
    }

    /// Skips the rows whose `column` holds `value` (counted in
    /// [`Imported::rows_skipped`]).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// let mapping = Mapping::new().skip_value("type", "Pledge (draft)");
    /// # let _ = mapping;
    /// ```
    pub fn skip_value(mut self, column: impl Into<String>, value: impl Into<String>) -> Mapping {
        self.skip_values.push((column.into(), value.into()));
        self
    }

    /// Skips the rows for which `skip` is true (counted in
    /// [`Imported::rows_skipped`]).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// let mapping = Mapping::new().skip_if(|row| row.get("donor") == Some("Total"));
    /// # let _ = mapping;
    /// ```
    pub fn skip_if(
        mut self,
        skip: impl Fn(&RowView<'_>) -> bool + Send + Sync + 'static,
    ) -> Mapping {
        self.skip_if = Some(Arc::new(skip));
        self
    }

    /// What to do with rows whose amount is zero (default: record them).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::{Mapping, ZeroRows};
    /// let mapping = Mapping::new().zero_rows(ZeroRows::Skip);
    /// # let _ = mapping;
    /// ```
    pub fn zero_rows(mut self, zero: ZeroRows) -> Mapping {
        self.zero_rows = zero;
        self
    }

    /// What to do with rows whose amount is negative (default: record them
    /// as adjustments).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::{Mapping, NegativeRows};
    /// use coalition_ledger::prelude::*;
    /// let err = Mapping::new().member_column("donor").amount_column("v").currency(Currency::EUR)
    ///     .add_missing_members(true).negative_rows(NegativeRows::Refuse)
    ///     .import("donor,v\nFRA,-5\n".as_bytes()).unwrap_err();
    /// assert!(err.to_string().contains("CSV line 2, column `v`: a negative amount"), "{err}");
    /// ```
    pub fn negative_rows(mut self, negative: NegativeRows) -> Mapping {
        self.negative_rows = negative;
        self
    }

    /// Cites this source on every entry; it is added to the ledger when
    /// missing.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let mapping = Mapping::new().source(Source::new(SourceId::new("kiel")?, "Kiel Institute", SourceKind::Dataset));
    /// # let _ = mapping;
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn source(mut self, source: Source) -> Mapping {
        self.source = Some(source);
        self
    }

    /// Starts from this ledger (its roster, say); the rows are appended to
    /// a copy of it.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let mut roster = Ledger::new();
    /// roster.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// let ledger = Mapping::new().roster(&roster).member_column("donor").amount_column("v")
    ///     .currency(Currency::EUR).import("donor,v\nFRA,1\n".as_bytes())?.into_ledger();
    /// assert_eq!(ledger.member(&MemberId::new("FRA")?).map(|m| m.name()), Some("France"));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn roster(mut self, ledger: &Ledger) -> Mapping {
        self.roster = Some(ledger.clone());
        self
    }

    /// Adds the members the rows name but the roster lacks, named by their
    /// id (default: such rows are errors).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let mapping = Mapping::new().member_column("donor").amount_column("v").currency(Currency::EUR);
    /// assert!(mapping.clone().import("donor,v\nFRA,1\n".as_bytes()).is_err());
    /// assert!(mapping.add_missing_members(true).import("donor,v\nFRA,1\n".as_bytes()).is_ok());
    /// ```
    pub fn add_missing_members(mut self, yes: bool) -> Mapping {
        self.add_missing_members = yes;
        self
    }

    /// Skips lines that begin with `#` (a note at the top of a file, say);
    /// by default they are rows. A comment line ends where a row does, at
    /// `\n`, `\r\n` or a `\r` alone. A row's line counts the comment lines
    /// above it, as it counts empty lines, so errors name the line a text
    /// editor shows.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let text = "# made up for this example\ndonor,v\nFRA,1\n";
    /// let ledger = Mapping::new().comment_lines(true).member_column("donor").amount_column("v")
    ///     .currency(Currency::EUR).add_missing_members(true).import(text.as_bytes())?.into_ledger();
    /// assert_eq!(ledger.pledge_count(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn comment_lines(mut self, skip: bool) -> Mapping {
        self.comment_lines = skip;
        self
    }

    /// Reads the whole file and builds the ledger.
    ///
    /// # Errors
    ///
    /// [`Error::CsvErrors`] holding every problem, each an [`Error::Csv`] (or
    /// a located ledger error) with its line and column: every column the
    /// mapping names that the file lacks (at the header's line, past any empty
    /// and comment lines above it), then every bad row. A header that cannot
    /// be read (not UTF-8, say) is the one error.
    /// Nothing is imported.
    ///
    /// ```
    /// use coalition_ledger::Error;
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let err = Mapping::new().member_column("giver").amount_column("eur").date_column("when")
    ///     .currency(Currency::EUR).import("donor,value\nFRA,1\n".as_bytes()).unwrap_err();
    /// let Error::CsvErrors { errors, total } = err else { panic!("expected CSV errors") };
    /// assert_eq!(total, 3);
    /// assert_eq!(errors[0].to_string(), "CSV line 1, column `giver`: missing column `giver` (the file has: donor, value)");
    /// ```
    pub fn import<R: Read>(&self, reader: R) -> Result<Imported> {
        let mut ledger = self.roster.clone().unwrap_or_default();
        let mut counts = Counts::default();
        let mut errors = Collected::default();
        self.read(reader, &mut errors, |row| {
            match self.record_row(&mut ledger, &row, false) {
                Ok(outcome) => {
                    counts.count(outcome);
                    Ok(())
                }
                Err(error) => Err(error),
            }
        })?;
        if errors.is_empty() {
            Ok(Imported { ledger, counts })
        } else {
            Err(errors.into_csv_error())
        }
    }

    /// Applies a new release of the file to a living ledger, as a delta,
    /// rows keyed by their pledge id: a new row opens its pledge (its
    /// entries carry client keys made of the id); a row applied before
    /// changes nothing when it says the same, so re-applying a release
    /// appends nothing; a row whose amount or stage the release changed is
    /// recorded as a revision, a delivery correction and an advance (see
    /// [`Applied::rows_revised`]), dated with the row's date. A changed date
    /// or evidence alone changes nothing: the entries keep what they were
    /// recorded with. The release is
    /// checked against `ledger` (the current state: a journal's
    /// [`ledger()`](crate::io::journal::Journal::ledger)) and its new
    /// entries handed, `batch` rows at a time, to `append`, which records
    /// them (a journal's `append_batch`, say: all of a batch or none).
    ///
    /// Name an id column ([`Mapping::id_column`]): without it, row keys are
    /// lines, which shift between releases.
    ///
    /// # Errors
    ///
    /// As [`Mapping::import`], checked against the ledger before anything is
    /// appended; a row applied before whose member, kind, category or
    /// adjustment basis changed, whose stage moved back, or an adjustment
    /// whose amount changed is an [`Error::Conflict`] naming its line (a
    /// tracker records such a correction as a new row). Errors of `append`
    /// are returned as they are; the batches before it stay applied.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    ///
    /// let mapping = Mapping::new().id_column("id").member_column("donor").amount_column("v")
    ///     .currency(Currency::EUR).add_missing_members(true);
    /// let mut ledger = Ledger::new();
    /// let release = "id,donor,v\nA1,FRA,10\nA2,DEU,5\n";
    /// for expected in [(2, 0), (0, 2)] {
    ///     let current = ledger.clone(); // cheap: the entries are shared
    ///     let applied = mapping.apply(release.as_bytes(), &current, 100, |batch| {
    ///         for (action, provenance) in batch { ledger.record(action, provenance)?; }
    ///         Ok(())
    ///     })?;
    ///     assert_eq!((applied.rows_imported(), applied.rows_already_present()), expected);
    /// }
    /// assert_eq!(ledger.pledge_count(), 2);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn apply<R: Read, A>(
        &self,
        reader: R,
        ledger: &Ledger,
        batch: usize,
        mut append: A,
    ) -> Result<Applied>
    where
        A: FnMut(Vec<(Action, Provenance)>) -> Result<()>,
    {
        // Validate the whole release on a scratch copy first: a bad row
        // anywhere appends nothing.
        let mut scratch = ledger.clone();
        let mut counts = Counts::default();
        let mut errors = Collected::default();
        let mut planned: Vec<Vec<(Action, Provenance)>> = Vec::new();
        // A row is a revision of one from an earlier release, never of an
        // earlier row of this one: an id twice in a release is refused, as
        // `import` refuses it, rather than the second row replacing the
        // first without a word.
        let mut lines_of_ids: BTreeMap<PledgeId, u64> = BTreeMap::new();
        self.read(reader, &mut errors, |row| {
            // A zero row skipped is no row, as `import` skips it too.
            let counted = match &row {
                MappedRow::Row(mapped)
                    if !(mapped.amount.is_zero() && self.zero_rows == ZeroRows::Skip) =>
                {
                    Some(mapped)
                }
                _ => None,
            };
            if let Some(mapped) = counted {
                if let Some(first) = lines_of_ids.insert(mapped.id.clone(), mapped.line) {
                    return Err(Error::Csv {
                        line: mapped.line,
                        column: self.id.clone(),
                        message: format!(
                            "pledge `{}` appears twice in the release (first on line {first})",
                            mapped.id
                        ),
                    });
                }
            }
            let before = scratch.len();
            let outcome = self.record_row(&mut scratch, &row, true)?;
            counts.count(outcome);
            let entries = scratch
                .entries()
                .skip(before)
                .map(|e| e.clone().into_parts())
                .collect::<Vec<_>>();
            if !entries.is_empty() {
                planned.push(entries);
            }
            Ok(())
        })?;
        if !errors.is_empty() {
            return Err(errors.into_csv_error());
        }
        for rows in planned.chunks(batch.max(1)) {
            let entries: Vec<(Action, Provenance)> = rows.iter().flatten().cloned().collect();
            append(entries)?;
        }
        Ok(Applied { counts })
    }

    /// Reads the header and every record, calling `row` for each record
    /// that is not skipped; collects the errors.
    fn read<R: Read>(
        &self,
        reader: R,
        errors: &mut Collected,
        mut row: impl FnMut(MappedRow) -> Result<()>,
    ) -> Result<()> {
        // Each record is placed at its own first line, past the line ends
        // and comment lines ahead of it (see `Records`).
        let mut csv = Records::guarded(reader, self.comment_lines.then_some(b'#'));
        let mut header = CsvRecord::default();
        let line = csv
            .read_header(&mut header)
            .map_err(|e| Collected::single(e.to_error()))?;
        let columns = self.columns(&header, line)?;
        let mut record = CsvRecord::default();
        loop {
            match csv.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = record.position().line;
                    let view = RowView {
                        header: &header,
                        record: &record,
                        line,
                    };
                    if self.skips(&view) {
                        row(MappedRow::Skipped)?;
                        continue;
                    }
                    match self.parse_row(&columns, &record, line) {
                        Ok(mapped) => {
                            if let Err(error) = row(mapped) {
                                errors.push(error);
                            }
                        }
                        Err(row_errors) => {
                            for error in row_errors {
                                errors.push(error);
                            }
                        }
                    }
                }
                Err(error) => {
                    errors.push(csv.located(&error));
                    if !error.goes_on() {
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    fn skips(&self, view: &RowView<'_>) -> bool {
        self.skip_values
            .iter()
            .any(|(column, value)| view.get(column) == Some(value.as_str()))
            || self.skip_if.as_ref().is_some_and(|skip| skip(view))
    }

    /// The positions of the columns the mapping names; every missing one is
    /// named at once, at the header's `line`.
    fn columns(&self, header: &CsvRecord, line: u64) -> Result<Columns> {
        let mut errors = Collected::default();
        let mut setup = |message: &str| {
            errors.push(Error::Csv {
                line,
                column: None,
                message: format!("the mapping names no {message} column"),
            });
        };
        if self.member.is_none() {
            setup("member");
        }
        if self.amount.is_none() {
            setup("amount");
        }
        if self.currency.is_none() {
            errors.push(Error::Csv {
                line,
                column: None,
                message: "the mapping names no currency or currency column".into(),
            });
        }
        let names: Vec<&str> = header.iter().map(str::trim).collect();
        let mut position = |column: &Option<String>| -> Option<usize> {
            let column = column.as_deref()?;
            let found = names.iter().position(|name| *name == column);
            let again = found.is_some_and(|first| {
                names
                    .iter()
                    .skip(first.saturating_add(1))
                    .any(|name| *name == column)
            });
            if again {
                // Which of the two holds the figures? Neither is guessed.
                errors.push(Error::Csv {
                    line,
                    column: Some(column.to_string()),
                    message: format!("column `{column}` appears more than once in the header"),
                });
            }
            if found.is_none() {
                errors.push(Error::Csv {
                    line,
                    column: Some(column.to_string()),
                    message: format!(
                        "missing column `{column}` (the file has: {})",
                        names.join(", ")
                    ),
                });
            }
            found
        };
        let columns = Columns {
            id: position(&self.id),
            member: position(&self.member),
            date: position(&self.date),
            amount: position(&self.amount),
            currency: position(&column_name(&self.currency)),
            category: position(&self.category),
            kind: position(&column_name(&self.kind)),
            stage: position(&column_name(&self.stage)),
            evidence: position(&column_name(&self.evidence)),
        };
        for (column, _) in &self.skip_values {
            position(&Some(column.clone()));
        }
        if errors.is_empty() {
            Ok(columns)
        } else {
            Err(errors.into_csv_error())
        }
    }
}

/// Column positions of the mapped fields.
struct Columns {
    id: Option<usize>,
    member: Option<usize>,
    date: Option<usize>,
    amount: Option<usize>,
    currency: Option<usize>,
    category: Option<usize>,
    kind: Option<usize>,
    stage: Option<usize>,
    evidence: Option<usize>,
}

/// One row, read and validated on its own.
enum MappedRow {
    Skipped,
    Row(Box<RowEntry>),
}

/// What a row records.
struct RowEntry {
    line: u64,
    id: PledgeId,
    member: MemberId,
    amount: Decimal,
    currency: Currency,
    kind: Kind,
    stage: Stage,
    category: Option<Category>,
    provenance: Provenance,
}

/// What happened to a row.
#[derive(Clone, Copy)]
enum Outcome {
    Skipped,
    ZeroSkipped,
    Recorded { adjustment: bool },
    AlreadyPresent,
    Revised,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    imported: u64,
    skipped: u64,
    zero_skipped: u64,
    adjustments: u64,
    already_present: u64,
    revised: u64,
}

impl Counts {
    fn count(&mut self, outcome: Outcome) {
        let slot = match outcome {
            Outcome::Skipped => &mut self.skipped,
            Outcome::ZeroSkipped => &mut self.zero_skipped,
            Outcome::AlreadyPresent => &mut self.already_present,
            Outcome::Revised => &mut self.revised,
            Outcome::Recorded { adjustment } => {
                if adjustment {
                    self.adjustments = self.adjustments.saturating_add(1);
                }
                &mut self.imported
            }
        };
        *slot = slot.saturating_add(1);
    }
}

impl Mapping {
    /// Reads one record into a row, collecting every field's error.
    fn parse_row(
        &self,
        columns: &Columns,
        record: &CsvRecord,
        line: u64,
    ) -> std::result::Result<MappedRow, Vec<Error>> {
        let mut errors = Vec::new();
        let field = |position: Option<usize>| -> &str {
            position.and_then(|i| record.get(i)).map_or("", str::trim)
        };
        let mut fail = |column: &Option<String>, message: String| {
            errors.push(Error::Csv {
                line,
                column: column.clone(),
                message,
            });
        };
        let id = self
            .row_id(columns.id.map(|_| field(columns.id)), line)
            .map_err(|message| fail(&self.id, message))
            .ok();
        let member_text = field(columns.member);
        let member = match self.aliases.get(member_text) {
            Some(member) => Some(member.clone()),
            None => MemberId::new(member_text)
                .map_err(|e| fail(&self.member, e.to_string()))
                .ok(),
        };
        let date = match field(columns.date) {
            "" => None,
            text => text
                .parse::<PartialDate>()
                .map_err(|e| fail(&self.date, e.to_string()))
                .ok(),
        };
        let amount = self
            .amount(field(columns.amount))
            .map_err(|message| fail(&self.amount, message))
            .ok();
        let currency = match &self.currency {
            Some(From::Fixed(currency)) => Some(*currency),
            Some(From::Column(column)) => Currency::new(field(columns.currency))
                .map_err(|e| fail(&Some(column.clone()), e.to_string()))
                .ok(),
            None => None,
        };
        let category = match field(columns.category) {
            "" => None,
            text => match self.categories.get(text) {
                Some(category) => Some(category.clone()),
                None => Category::new(text)
                    .map_err(|e| fail(&self.category, e.to_string()))
                    .ok(),
            },
        };
        let kind = mapped(&self.kind, &self.kinds, Kind::Funding, field(columns.kind))
            .map_err(|(column, message)| fail(&column, message))
            .ok();
        let stage = mapped(
            &self.stage,
            &self.stages,
            Stage::Committed,
            field(columns.stage),
        )
        .map_err(|(column, message)| fail(&column, message))
        .ok();
        let evidence = mapped(
            &self.evidence,
            &self.evidences,
            Evidence::Reported,
            field(columns.evidence),
        )
        .map_err(|(column, message)| fail(&column, message))
        .ok();
        for (column, message) in self.inconsistencies(kind, stage, category.is_some()) {
            fail(&column, message);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let (
            Some(id),
            Some(member),
            Some(amount),
            Some(currency),
            Some(kind),
            Some(stage),
            Some(evidence),
        ) = (id, member, amount, currency, kind, stage, evidence)
        else {
            return Err(vec![Error::internal("a mapped row without an error")]);
        };
        let provenance = self.provenance(evidence, date);
        Ok(MappedRow::Row(Box::new(RowEntry {
            line,
            id,
            member,
            amount,
            currency,
            kind,
            stage,
            category,
            provenance,
        })))
    }

    /// What a row's kind, stage and category cannot be together.
    fn inconsistencies(
        &self,
        kind: Option<Kind>,
        stage: Option<Stage>,
        has_category: bool,
    ) -> Vec<(Option<String>, String)> {
        let mut found = Vec::new();
        if let Some(kind @ (Kind::Troops | Kind::Backstop)) = kind {
            found.push((
                column_name(&self.kind),
                format!("a row valued in money is funding or equipment, not {kind}"),
            ));
        }
        if kind == Some(Kind::Equipment) && !has_category {
            found.push((
                self.category.clone(),
                "an equipment row needs a category".into(),
            ));
        }
        if stage == Some(Stage::Withdrawn) {
            found.push((
                column_name(&self.stage),
                "a row cannot open a withdrawn pledge".into(),
            ));
        }
        found
    }

    /// The pledge id of a row, from its id cell (`None` without an id
    /// column); an empty cell is refused, prefix or not (with one it would
    /// pass as the bare prefix).
    fn row_id(&self, cell: Option<&str>, line: u64) -> std::result::Result<PledgeId, String> {
        if cell == Some("") {
            return Err("the id is empty".into());
        }
        PledgeId::new(self.id_text(cell, line)).map_err(|e| e.to_string())
    }

    /// The pledge id of a row: the id column's value (or `row-LINE`), after
    /// the prefix.
    fn id_text(&self, id: Option<&str>, line: u64) -> String {
        match (&self.id_prefix, id) {
            (Some(prefix), Some(id)) => format!("{prefix}{id}"),
            (Some(prefix), None) => format!("{prefix}{line}"),
            (None, Some(id)) => id.to_string(),
            (None, None) => format!("row-{line}"),
        }
    }

    /// Every entry of a row: its evidence, date and the mapping's source.
    fn provenance(&self, evidence: Evidence, date: Option<PartialDate>) -> Provenance {
        let mut provenance = Provenance::new(evidence);
        if let Some(date) = date {
            provenance = provenance.within(date);
        }
        if let Some(source) = &self.source {
            provenance = provenance.cite(source.id().clone());
        }
        provenance
    }

    /// An amount, exactly, in units: the scale applied.
    fn amount(&self, text: &str) -> std::result::Result<Decimal, String> {
        let value = parse_number(text, self.scientific)?;
        crate::exact::mul(value, self.scale.factor()).ok_or_else(|| {
            format!(
                "`{text}` times {} does not fit 28 significant digits",
                self.scale.factor()
            )
        })
    }

    /// Records one row in `ledger`; with `keyed`, its entries carry client
    /// keys so that a row applied before is found, not appended again.
    fn record_row(&self, ledger: &mut Ledger, row: &MappedRow, keyed: bool) -> Result<Outcome> {
        let MappedRow::Row(row) = row else {
            return Ok(Outcome::Skipped);
        };
        let line = row.line;
        if row.amount.is_zero() && self.zero_rows == ZeroRows::Skip {
            return Ok(Outcome::ZeroSkipped);
        }
        if row.amount.is_sign_negative()
            && !row.amount.is_zero()
            && self.negative_rows == NegativeRows::Refuse
        {
            return Err(Error::Csv {
                line,
                column: self.amount.clone(),
                message: format!(
                    "a negative amount ({}) and negative rows are refused",
                    row.amount
                ),
            });
        }
        if keyed && ledger.pledge(&row.id).is_some() {
            return self.revise_row(ledger, row);
        }
        self.prepare_roster(ledger, &row.member, line)?;
        let actions = row_actions(row);
        let adjustment = actions
            .first()
            .is_some_and(|a| matches!(a, Action::Pledge(spec) if spec.adjusts().is_some()));
        let mut appended = false;
        for (n, action) in actions.into_iter().enumerate() {
            let mut provenance = row.provenance.clone();
            if keyed {
                let key = ClientKey::new(format!("{}#{n}", row.id))
                    .map_err(|e| e.in_csv_row(line, column_name_ref(&self.id)))?;
                provenance = provenance.key(key);
            }
            let recorded = ledger
                .record(action, provenance)
                .map_err(|e| located(e, line, self))?;
            if recorded.is_appended() {
                appended = true;
            } else if !keyed {
                return Err(Error::Csv {
                    line,
                    column: self.id.clone(),
                    message: format!("pledge `{}` appears twice", row.id),
                });
            }
        }
        Ok(if appended {
            Outcome::Recorded { adjustment }
        } else {
            Outcome::AlreadyPresent
        })
    }

    /// A row applied before, against what the ledger holds now: nothing to
    /// do when it says the same (so re-applying a release changes
    /// nothing); otherwise the changes a new release made to its amount or
    /// stage, as a revision, a delivery correction and an advance. A change
    /// of member, kind, category or adjustment basis, a stage moving back,
    /// or a changed adjustment (which has no lifecycle) is a conflict: a
    /// tracker records such a correction as a new row.
    fn revise_row(&self, ledger: &mut Ledger, row: &RowEntry) -> Result<Outcome> {
        let line = row.line;
        let conflict = |field: &'static str| {
            Error::Conflict {
                kind: "row",
                id: row.id.to_string(),
                field,
            }
            .in_csv_row(line, column_name_ref(&self.id))
        };
        let actions = row_actions(row);
        let (Some(Action::Pledge(spec)), Some(existing)) =
            (actions.first(), ledger.pledge(&row.id))
        else {
            return Err(Error::internal("a revised row without its pledge"));
        };
        if existing.is_void() {
            // Voided by us: a release that still lists it changes nothing.
            return Ok(Outcome::AlreadyPresent);
        }
        let same = [
            ("member", existing.member() == spec.member()),
            ("kind", existing.kind() == spec.contribution().kind()),
            ("category", existing.category() == spec.category()),
            ("adjusts", existing.adjusts() == spec.adjusts()),
        ];
        if let Some((field, _)) = same.iter().find(|(_, same)| !same) {
            return Err(conflict(field));
        }
        let mut changes = Vec::new();
        if existing.contribution() != spec.contribution() {
            if spec.adjusts().is_some() {
                return Err(conflict("amount"));
            }
            changes.push(Action::Revise {
                pledge: row.id.clone(),
                contribution: Box::new(spec.contribution().clone()),
            });
        }
        let delivered = if row.stage == Stage::Delivered && spec.adjusts().is_none() {
            row.amount
        } else {
            Decimal::ZERO
        };
        if existing.delivered() != delivered {
            let quantity = crate::exact::sub(delivered, existing.delivered()).ok_or_else(|| {
                Error::overflow("correcting a delivered amount").in_csv_row(line, None)
            })?;
            changes.push(Action::Deliver {
                pledge: row.id.clone(),
                quantity,
                currency: Some(row.currency),
                correction: true,
            });
        }
        if existing.stage() != row.stage {
            if !existing.stage().can_move_to(row.stage) {
                return Err(conflict("stage"));
            }
            changes.push(Action::Advance {
                pledge: row.id.clone(),
                stage: row.stage,
            });
        }
        if changes.is_empty() {
            return Ok(Outcome::AlreadyPresent);
        }
        for action in changes {
            ledger
                .record(action, row.provenance.clone())
                .map_err(|e| located(e, line, self))?;
        }
        Ok(Outcome::Revised)
    }

    /// Adds the member and the source when they are missing and allowed.
    fn prepare_roster(&self, ledger: &mut Ledger, member: &MemberId, line: u64) -> Result<()> {
        if self.add_missing_members && ledger.member(member).is_none() {
            ledger
                .add_member(Member::new(member.clone(), member.as_str()))
                .map_err(|e| e.in_csv_row(line, column_name_ref(&self.member)))?;
        }
        if let Some(source) = &self.source {
            if ledger.source(source.id()).is_none() {
                ledger
                    .add_source(source.clone())
                    .map_err(|e| e.in_csv_row(line, None))?;
            }
        }
        Ok(())
    }
}

/// The entries a row stands for.
fn row_actions(row: &RowEntry) -> Vec<Action> {
    let money = Money::new(row.amount, row.currency);
    let negative = row.amount.is_sign_negative() && !row.amount.is_zero();
    let with_category = |spec: NewPledge| match &row.category {
        Some(category) if row.kind != Kind::Equipment || spec.adjusts().is_some() => {
            spec.with_category(category.clone())
        }
        _ => spec,
    };
    if negative {
        let basis = if row.stage == Stage::Delivered {
            AdjustmentBasis::Delivered
        } else {
            AdjustmentBasis::Pledged
        };
        let spec = NewPledge::adjustment(row.id.clone(), row.member.clone(), basis, money);
        return vec![Action::Pledge(Box::new(with_category(spec)))];
    }
    let delivered = row.stage == Stage::Delivered;
    let pledged = if delivered {
        Money::new(Decimal::ZERO, row.currency)
    } else {
        money
    };
    // An equipment row always has a category (checked when read).
    let contribution = match (row.kind, &row.category) {
        (Kind::Equipment, Some(category)) => Contribution::Equipment {
            category: category.clone(),
            units: Estimate::Unspecified,
            value: Some(Estimate::Exact(pledged)),
        },
        _ => Contribution::Funding {
            amount: Estimate::Exact(pledged),
        },
    };
    let opening = if delivered {
        Stage::Committed
    } else {
        row.stage
    };
    let spec = NewPledge::new(row.id.clone(), row.member.clone(), contribution).with_stage(opening);
    let mut actions = vec![Action::Pledge(Box::new(with_category(spec)))];
    if delivered {
        if !row.amount.is_zero() {
            actions.push(Action::Deliver {
                pledge: row.id.clone(),
                quantity: row.amount,
                currency: Some(row.currency),
                correction: false,
            });
        }
        actions.push(Action::Advance {
            pledge: row.id.clone(),
            stage: Stage::Delivered,
        });
    }
    actions
}

/// A value from a fixed setting or a column's value map (or the crate's
/// own spelling), with the column named in an error.
fn mapped<T: Copy + std::str::FromStr>(
    from: &Option<From<T>>,
    map: &BTreeMap<String, T>,
    default: T,
    text: &str,
) -> std::result::Result<T, (Option<String>, String)> {
    match from {
        None => Ok(default),
        Some(From::Fixed(value)) => Ok(*value),
        Some(From::Column(column)) => match map.get(text) {
            Some(value) => Ok(*value),
            None => text.parse::<T>().map_err(|_| {
                let known: Vec<&str> = map.keys().map(String::as_str).collect();
                (
                    Some(column.clone()),
                    format!(
                        "unmapped value `{}` (mapped: {})",
                        text.escape_debug(),
                        known.join(", ")
                    ),
                )
            }),
        },
    }
}

fn column_name<T>(from: &Option<From<T>>) -> Option<String> {
    match from {
        Some(From::Column(column)) => Some(column.clone()),
        _ => None,
    }
}

fn column_name_ref(column: &Option<String>) -> Option<&str> {
    column.as_deref()
}

/// A ledger error on a row, with the line and the column it is about.
fn located(error: Error, line: u64, mapping: &Mapping) -> Error {
    let column = match error.root() {
        Error::UnknownMember { .. } => mapping.member.as_deref(),
        Error::Conflict { .. } => mapping.id.as_deref(),
        Error::InvalidValue { field, .. } if *field == "date" => mapping.date.as_deref(),
        _ => mapping.amount.as_deref(),
    };
    error.in_csv_row(line, column)
}

/// Parses a decimal exactly: `-61.97`, `100`, and with `scientific` also
/// `6e-05`, `1.5E+3`. No thousands separators, no spaces inside, no `_`.
pub(crate) fn parse_number(text: &str, scientific: bool) -> std::result::Result<Decimal, String> {
    let bad = || {
        let also = if scientific {
            " or in scientific notation (6e-05)"
        } else {
            " (scientific notation such as 6e-05 only when the mapping allows it)"
        };
        format!(
            "`{}` is not an amount: expected a decimal number like -61.97{also}",
            text.escape_debug()
        )
    };
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) if scientific => (m, Some(e)),
        Some(_) => return Err(bad()),
        None => (text, None),
    };
    let digits = mantissa.strip_prefix(['-', '+']).unwrap_or(mantissa);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !plain(whole) || !plain(fraction) {
        return Err(bad());
    }
    let mut value = Decimal::from_str_exact(mantissa).map_err(|_| bad())?;
    let Some(exponent) = exponent else {
        return Ok(value);
    };
    let exp_digits = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
    if exp_digits.is_empty() || !plain(exp_digits) {
        return Err(bad());
    }
    let power: u32 = exp_digits.parse().map_err(|_| bad())?;
    let too_many = || format!("`{}` needs more than 28 digits", text.escape_debug());
    if exponent.starts_with('-') {
        let scale = value.scale().checked_add(power).filter(|s| *s <= 28);
        let scale = scale.ok_or_else(too_many)?;
        value.set_scale(scale).map_err(|_| too_many())?;
        Ok(value)
    } else if power <= value.scale() {
        let scale = value.scale().checked_sub(power).ok_or_else(too_many)?;
        value.set_scale(scale).map_err(|_| too_many())?;
        Ok(value)
    } else {
        let up = power.checked_sub(value.scale()).ok_or_else(too_many)?;
        value.set_scale(0).map_err(|_| too_many())?;
        let factor = Some(up)
            .filter(|u| *u <= 28)
            .and_then(crate::exact::pow10)
            .and_then(|p| Decimal::try_from_i128_with_scale(p, 0).ok())
            .ok_or_else(too_many)?;
        crate::exact::mul(value, factor).ok_or_else(too_many)
    }
}

/// What an import did.
///
/// ```
/// use coalition_ledger::io::mapping::Mapping;
/// use coalition_ledger::prelude::*;
/// let imported = Mapping::new().member_column("donor").amount_column("v").currency(Currency::EUR)
///     .add_missing_members(true).import("donor,v\nFRA,1\nDEU,-1\n".as_bytes())?;
/// assert_eq!(imported.to_string(), "2 rows imported (1 adjustment), 0 skipped, 0 zero rows skipped");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Imported {
    ledger: Ledger,
    counts: Counts,
}

impl Imported {
    /// The ledger built.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let imported = Mapping::new().member_column("d").amount_column("v").currency(Currency::EUR)
    ///     .add_missing_members(true).import("d,v\nFRA,1\n".as_bytes())?;
    /// assert_eq!(imported.ledger().pledge_count(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Takes the ledger.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let ledger: Ledger = Mapping::new().member_column("d").amount_column("v").currency(Currency::EUR)
    ///     .add_missing_members(true).import("d,v\nFRA,1\n".as_bytes())?.into_ledger();
    /// assert_eq!(ledger.pledge_count(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn into_ledger(self) -> Ledger {
        self.ledger
    }

    /// Rows recorded (adjustments included).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let imported = Mapping::new().member_column("d").amount_column("v").currency(Currency::EUR)
    ///     .add_missing_members(true).import("d,v\nFRA,1\nFRA,2\n".as_bytes())?;
    /// assert_eq!(imported.rows_imported(), 2);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn rows_imported(&self) -> u64 {
        self.counts.imported
    }

    /// Rows skipped by [`Mapping::skip_value`] or [`Mapping::skip_if`].
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let imported = Mapping::new().member_column("d").amount_column("v").currency(Currency::EUR)
    ///     .add_missing_members(true).skip_value("d", "Total").import("d,v\nFRA,1\nTotal,1\n".as_bytes())?;
    /// assert_eq!(imported.rows_skipped(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn rows_skipped(&self) -> u64 {
        self.counts.skipped
    }

    /// Rows of zero skipped by [`ZeroRows::Skip`].
    ///
    /// ```
    /// use coalition_ledger::io::mapping::{Mapping, ZeroRows};
    /// use coalition_ledger::prelude::*;
    /// let imported = Mapping::new().member_column("d").amount_column("v").currency(Currency::EUR)
    ///     .add_missing_members(true).zero_rows(ZeroRows::Skip).import("d,v\nFRA,0\n".as_bytes())?;
    /// assert_eq!((imported.rows_imported(), imported.zero_rows_skipped()), (0, 1));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn zero_rows_skipped(&self) -> u64 {
        self.counts.zero_skipped
    }

    /// Rows recorded as adjustments (negative amounts).
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let imported = Mapping::new().member_column("d").amount_column("v").currency(Currency::EUR)
    ///     .add_missing_members(true).import("d,v\nFRA,-1\n".as_bytes())?;
    /// assert_eq!(imported.adjustments(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn adjustments(&self) -> u64 {
        self.counts.adjustments
    }
}

impl std::fmt::Display for Imported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_counts(f, &self.counts)
    }
}

fn write_counts(f: &mut std::fmt::Formatter<'_>, c: &Counts) -> std::fmt::Result {
    let plural = |n: u64, one: &'static str, many: &'static str| if n == 1 { one } else { many };
    write!(
        f,
        "{} {} imported ({} {}), {} skipped, {} zero {} skipped",
        c.imported,
        plural(c.imported, "row", "rows"),
        c.adjustments,
        plural(c.adjustments, "adjustment", "adjustments"),
        c.skipped,
        c.zero_skipped,
        plural(c.zero_skipped, "row", "rows"),
    )
}

/// What applying a release to a living ledger did ([`Mapping::apply`]).
///
/// ```
/// use coalition_ledger::io::mapping::Mapping;
/// use coalition_ledger::prelude::*;
/// let mut ledger = Ledger::new();
/// let current = ledger.clone();
/// let applied = Mapping::new().id_column("id").member_column("d").amount_column("v").currency(Currency::EUR)
///     .add_missing_members(true)
///     .apply("id,d,v\nA,FRA,1\n".as_bytes(), &current, 10, |batch| {
///         for (a, p) in batch { ledger.record(a, p)?; }
///         Ok(())
///     })?;
/// assert_eq!(applied.to_string(), "1 row imported (0 adjustments), 0 skipped, 0 zero rows skipped, 0 revised, 0 already present");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    counts: Counts,
}

impl Applied {
    /// Rows newly recorded.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let mut ledger = Ledger::new();
    /// let current = ledger.clone();
    /// let applied = Mapping::new().id_column("id").member_column("d").amount_column("v").currency(Currency::EUR)
    ///     .add_missing_members(true)
    ///     .apply("id,d,v\nA,FRA,1\n".as_bytes(), &current, 10, |batch| {
    ///         for (a, p) in batch { ledger.record(a, p)?; }
    ///         Ok(())
    ///     })?;
    /// assert_eq!(applied.rows_imported(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn rows_imported(&self) -> u64 {
        self.counts.imported
    }

    /// Rows found already applied (same key, same content): nothing
    /// appended for them.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let mut ledger = Ledger::new();
    /// let m = Mapping::new().id_column("id").member_column("d").amount_column("v").currency(Currency::EUR).add_missing_members(true);
    /// let current = ledger.clone();
    /// m.apply("id,d,v\nA,FRA,1\n".as_bytes(), &current, 10, |batch| {
    ///     for (a, p) in batch { ledger.record(a, p)?; }
    ///     Ok(())
    /// })?;
    /// let current = ledger.clone();
    /// let again = m.apply("id,d,v\nA,FRA,1\nB,FRA,2\n".as_bytes(), &current, 10, |batch| {
    ///     for (a, p) in batch { ledger.record(a, p)?; }
    ///     Ok(())
    /// })?;
    /// assert_eq!((again.rows_imported(), again.rows_already_present()), (1, 1));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn rows_already_present(&self) -> u64 {
        self.counts.already_present
    }

    /// Rows applied before whose amount or stage the new release changed:
    /// recorded as a revision, a delivery correction and an advance, as
    /// needed.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::Mapping;
    /// use coalition_ledger::prelude::*;
    /// let mut ledger = Ledger::new();
    /// let m = Mapping::new().id_column("id").member_column("d").amount_column("v").currency(Currency::EUR).add_missing_members(true);
    /// for (release, revised) in [("id,d,v\nA,FRA,1\n", 0), ("id,d,v\nA,FRA,2\n", 1), ("id,d,v\nA,FRA,2\n", 0)] {
    ///     let current = ledger.clone();
    ///     let applied = m.apply(release.as_bytes(), &current, 10, |batch| {
    ///         for (a, p) in batch { ledger.record(a, p)?; }
    ///         Ok(())
    ///     })?;
    ///     assert_eq!(applied.rows_revised(), revised);
    /// }
    /// let amount = ledger.pledge(&PledgeId::new("A")?).map(|p| p.contribution().clone());
    /// assert_eq!(amount, Some(Contribution::Funding { amount: Estimate::Exact(Money::parse("2", Currency::EUR)?) }));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn rows_revised(&self) -> u64 {
        self.counts.revised
    }

    /// Rows skipped by the mapping's skip rules or as zero rows.
    ///
    /// ```
    /// use coalition_ledger::io::mapping::{Mapping, ZeroRows};
    /// use coalition_ledger::prelude::*;
    /// let ledger = Ledger::new();
    /// let applied = Mapping::new().id_column("id").member_column("d").amount_column("v").currency(Currency::EUR)
    ///     .add_missing_members(true).zero_rows(ZeroRows::Skip)
    ///     .apply("id,d,v\nA,FRA,0\n".as_bytes(), &ledger, 10, |batch| {
    ///         assert!(batch.is_empty(), "nothing to append");
    ///         Ok(())
    ///     })?;
    /// assert_eq!(applied.rows_skipped(), 1);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn rows_skipped(&self) -> u64 {
        self.counts.skipped.saturating_add(self.counts.zero_skipped)
    }
}

impl std::fmt::Display for Applied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_counts(f, &self.counts)?;
        write!(
            f,
            ", {} revised, {} already present",
            self.counts.revised, self.counts.already_present
        )
    }
}

#[cfg(test)]
mod tests {
    use super::parse_number;
    use rust_decimal::Decimal;

    #[test]
    fn numbers_are_read_exactly_or_refused() {
        let ok = |t: &str, s: bool| parse_number(t, s).map(|d| d.to_string());
        assert_eq!(ok("-61.97", false).as_deref(), Ok("-61.97"));
        assert_eq!(ok("6e-05", true).as_deref(), Ok("0.00006"));
        assert_eq!(ok("1.5E+3", true).as_deref(), Ok("1500"));
        assert_eq!(ok("1.25e1", true).as_deref(), Ok("12.5"));
        assert_eq!(
            ok("-1e-28", true).as_deref(),
            Ok("-0.0000000000000000000000000001")
        );
        // 29 decimal places would be rounded: refused instead.
        assert!(parse_number("-2.5e-28", true).is_err());
        for bad in [
            "6e-05", "1,000", "1_000", " 1", "", ".", "e5", "1e", "--1", "1.2.3", "NaN", "inf",
        ] {
            assert!(parse_number(bad, false).is_err(), "{bad}");
        }
        for bad in ["1e", "e5", "1e-29", "1e+x", "1.5e300"] {
            assert!(parse_number(bad, true).is_err(), "{bad}");
        }
        assert_eq!(parse_number("0", false), Ok(Decimal::ZERO));
    }
}
