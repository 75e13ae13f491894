//! Running totals: cumulative totals at the end of each month, quarter or
//! year, computed in one pass over the entries.
//!
//! The answer at each period's end is the answer of
//! `query.as_of(end).run()` for the pledged, delivered and outstanding
//! bases, with the same rows, bounds, counts and notes. Instead of one
//! `as_of` replay per period, the pass applies the entries once, in date
//! order, to one growing ledger and answers each period when it reaches its
//! end. Entries recorded in date order (the usual case) apply one by one; a
//! back-dated entry (dated before an entry recorded earlier) makes the pass
//! replay the state at its date once, so that entries always apply in the
//! order they were recorded, as `as_of` applies them.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use super::Query;
use super::dimension::Key;
use super::measure::Basis;
use super::table::{Row, SHOWN_ROUNDED, Table, Total, below_zero_note};
use crate::entry::Action;
use crate::error::{Error, Result};
use crate::ledger::EntryView;
use crate::ledger::{Ledger, Undated};
use crate::limits::MAX_RUNNING_PERIODS;

/// The length of the periods of [`RunningTotals`].
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// assert_eq!("quarter".parse::<Interval>()?, Interval::Quarter);
/// assert_eq!(Interval::Month.to_string(), "month");
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Interval {
    /// Calendar months.
    Month,
    /// Calendar quarters (January–March, ...).
    Quarter,
    /// Calendar years.
    Year,
}

crate::spelling::spelled!(Interval, "interval", {
    Month => "month",
    Quarter => "quarter",
    Year => "year",
});

impl Interval {
    fn months(self) -> u32 {
        match self {
            Interval::Month => 1,
            Interval::Quarter => 3,
            Interval::Year => 12,
        }
    }

    /// The first day of the period containing `date`.
    fn start_of(self, date: NaiveDate) -> Option<NaiveDate> {
        let month0 = date.month0();
        let first_month = month0
            .checked_sub(month0.checked_rem(self.months())?)?
            .checked_add(1)?;
        NaiveDate::from_ymd_opt(date.year(), first_month, 1)
    }

    /// The key naming the period that starts on `start`.
    fn key(self, start: NaiveDate) -> Key {
        match self {
            Interval::Month => Key::Month(Some((start.year(), start.month()))),
            Interval::Quarter => {
                let quarter = (start.month0() / 3).saturating_add(1);
                Key::Quarter(Some((start.year(), quarter)))
            }
            Interval::Year => Key::Year(Some(start.year())),
        }
    }
}

/// Cumulative totals at the end of each period: the answer of
/// [`Query::running_totals`].
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let ledger = fixtures::paris_summit();
/// let running = ledger
///     .query()
///     .measure(Measure::Personnel)
///     .running_totals(Interval::Quarter, parse_date("2025-07-01")?, parse_date("2026-03-31")?)?;
/// let keys: Vec<String> = running.periods().map(|p| p.key().to_string()).collect();
/// assert_eq!(keys, ["2025-Q3", "2025-Q4", "2026-Q1"]);
/// // Each period answers as `as_of` its end would.
/// let last = running.periods().last().expect("three periods");
/// let as_of = ledger.query().measure(Measure::Personnel).as_of(last.end()).run()?;
/// assert_eq!(last.pledged(), &as_of);
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunningTotals {
    interval: Interval,
    from: NaiveDate,
    to: NaiveDate,
    periods: Vec<Period>,
}

/// One period of [`RunningTotals`]: its name, the date it is answered as
/// of, and the three tables.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
///
/// let ledger = fixtures::paris_summit();
/// let running = ledger.query().running_totals(Interval::Year, parse_date("2025-01-01")?, parse_date("2025-12-31")?)?;
/// let period: &Period = running.periods().next().expect("one year");
/// assert_eq!(period.key(), &Key::Year(Some(2025)));
/// assert_eq!(period.end(), parse_date("2025-12-31")?);
/// assert_eq!(period.table(Basis::Pledged), period.pledged());
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    key: Key,
    end: NaiveDate,
    pledged: Table,
    delivered: Table,
    outstanding: Table,
}

impl Period {
    /// The period: [`Key::Month`], [`Key::Quarter`] or [`Key::Year`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let running = fixtures::paris_summit().query()
    ///     .running_totals(Interval::Month, parse_date("2025-09-01")?, parse_date("2025-09-30")?)?;
    /// assert_eq!(running.periods().next().map(|p| p.key().to_string()), Some("2025-09".into()));
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn key(&self) -> &Key {
        &self.key
    }

    /// The date the period is answered as of: its last day, or the end of
    /// the range when that comes first.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let running = fixtures::paris_summit().query()
    ///     .running_totals(Interval::Month, parse_date("2025-09-01")?, parse_date("2025-10-15")?)?;
    /// let ends: Vec<NaiveDate> = running.periods().map(|p| p.end()).collect();
    /// assert_eq!(ends, [parse_date("2025-09-30")?, parse_date("2025-10-15")?]);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// The table on a basis.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let running = fixtures::paris_summit().query()
    ///     .running_totals(Interval::Year, parse_date("2025-01-01")?, parse_date("2025-12-31")?)?;
    /// let period = running.periods().next().expect("one year");
    /// assert_eq!(period.table(Basis::Delivered).basis(), Basis::Delivered);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn table(&self, basis: Basis) -> &Table {
        match basis {
            Basis::Pledged => &self.pledged,
            Basis::Delivered => &self.delivered,
            Basis::Outstanding => &self.outstanding,
        }
    }

    /// What was pledged by the period's end.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let running = fixtures::paris_summit().query()
    ///     .running_totals(Interval::Year, parse_date("2025-01-01")?, parse_date("2025-12-31")?)?;
    /// assert!(running.periods().next().expect("a year").pledged().total().count() > 0);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn pledged(&self) -> &Table {
        &self.pledged
    }

    /// What was delivered by the period's end.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let running = fixtures::paris_summit().query().measure(Measure::Personnel)
    ///     .running_totals(Interval::Year, parse_date("2025-01-01")?, parse_date("2025-12-31")?)?;
    /// let delivered = running.periods().next().expect("a year").delivered().total().low();
    /// assert!(delivered >= Decimal::ZERO);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn delivered(&self) -> &Table {
        &self.delivered
    }

    /// What was outstanding at the period's end.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let running = fixtures::paris_summit().query().measure(Measure::Personnel)
    ///     .running_totals(Interval::Year, parse_date("2025-01-01")?, parse_date("2025-12-31")?)?;
    /// let period = running.periods().next().expect("a year");
    /// assert!(period.outstanding().total().low() <= period.pledged().total().low());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn outstanding(&self) -> &Table {
        &self.outstanding
    }
}

impl RunningTotals {
    /// The length of the periods.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let running = fixtures::paris_summit().query()
    ///     .running_totals(Interval::Year, parse_date("2025-01-01")?, parse_date("2025-12-31")?)?;
    /// assert_eq!(running.interval(), Interval::Year);
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn interval(&self) -> Interval {
        self.interval
    }

    /// The periods, oldest first.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let running = fixtures::paris_summit().query()
    ///     .running_totals(Interval::Month, parse_date("2025-08-20")?, parse_date("2025-10-10")?)?;
    /// assert_eq!(running.periods().len(), 3); // August, September, October
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn periods(&self) -> impl ExactSizeIterator<Item = &Period> {
        self.periods.iter()
    }
}

impl Query<'_> {
    /// Cumulative totals at the end of each period from the one containing
    /// `from` to the one containing `to` (the last answered as of `to`),
    /// on every basis, with the query's filters, scenario, grouping and
    /// measure; undated entries left out (see
    /// [`Query::running_totals_with`]).
    ///
    /// # Errors
    ///
    /// As [`Query::run`]; [`Error::InvalidValue`] when `from` is after `to`
    /// or the query sets `as_of` (each period is answered as of its own
    /// end); [`Error::Limit`] beyond
    /// [`MAX_RUNNING_PERIODS`](crate::limits::MAX_RUNNING_PERIODS) periods.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let mut ledger = Ledger::new();
    /// ledger.add_member(Member::new(MemberId::new("FRA")?, "France"))?;
    /// for (id, n, on) in [("F1", 1_000, "2025-01-10"), ("F2", 2_000, "2025-05-02")] {
    ///     let spec = NewPledge::new(PledgeId::new(id)?, MemberId::new("FRA")?,
    ///         Contribution::Troops { personnel: Estimate::Exact(n) });
    ///     ledger.open_pledge(spec, Provenance::new(Evidence::Reported).on(parse_date(on)?))?;
    /// }
    /// let running = ledger.query().measure(Measure::Personnel)
    ///     .running_totals(Interval::Quarter, parse_date("2025-01-01")?, parse_date("2025-06-30")?)?;
    /// let totals: Vec<Decimal> = running.periods().map(|p| p.pledged().total().low()).collect();
    /// assert_eq!(totals, [Decimal::from(1_000), Decimal::from(3_000)]);
    /// assert!(ledger.query().running_totals(Interval::Month, parse_date("2025-02-01")?, parse_date("2025-01-01")?).is_err());
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn running_totals(
        &self,
        interval: Interval,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<RunningTotals> {
        self.running_totals_with(interval, from, to, Undated::Exclude)
    }

    /// [`Query::running_totals`] with an explicit rule for undated entries
    /// (as [`Query::as_of_with`]).
    ///
    /// # Errors
    ///
    /// As [`Query::running_totals`].
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::prelude::*;
    ///
    /// let ledger = fixtures::paris_summit();
    /// let (from, to) = (parse_date("2025-09-01")?, parse_date("2025-12-31")?);
    /// let with = ledger.query().running_totals_with(Interval::Year, from, to, Undated::Include)?;
    /// let without = ledger.query().running_totals(Interval::Year, from, to)?;
    /// let count = |r: &RunningTotals| r.periods().last().map(|p| p.pledged().total().count());
    /// assert!(count(&with) > count(&without)); // the undated US backstop
    /// # Ok::<(), coalition_ledger::Error>(())
    /// ```
    pub fn running_totals_with(
        &self,
        interval: Interval,
        from: NaiveDate,
        to: NaiveDate,
        undated: Undated,
    ) -> Result<RunningTotals> {
        self.measure.validate()?;
        self.check_settings()?;
        if self.as_of.is_some() {
            return Err(Error::invalid(
                "running totals",
                "as_of",
                "each period is answered as of its own end; leave as_of unset",
            ));
        }
        if from > to {
            return Err(Error::invalid(
                "running totals",
                "from",
                format!("{from} is after {to}"),
            ));
        }
        let ends = period_ends(interval, from, to)?;
        let mut pass = Pass::new(self.ledger, undated);
        let mut periods = Vec::with_capacity(ends.len());
        // As `run` with `as_of` the period's end reports them.
        let partial = self.partial_periods();
        for (key, end) in ends {
            pass.advance_to(end);
            let counts = self.left_out_counts(&pass.left_out, undated);
            let pending = super::pending_on(&partial, end);
            let answer = |basis: Basis| {
                let table = self.clone().basis(basis).run_on(&pass.ledger, counts)?;
                let mut left_out = *table.left_out();
                left_out.set_pending(pending);
                Ok::<_, Error>(table.with_left_out(left_out))
            };
            periods.push(Period {
                key,
                end,
                pledged: answer(Basis::Pledged)?,
                delivered: answer(Basis::Delivered)?,
                outstanding: answer(Basis::Outstanding)?,
            });
        }
        Ok(RunningTotals {
            interval,
            from,
            to,
            periods,
        })
    }
}

/// The key and the as-of date of every period from `from` to `to`.
fn period_ends(
    interval: Interval,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Key, NaiveDate)>> {
    let overflow = || Error::invalid("running totals", "to", "a period ends beyond the calendar");
    let mut start = interval.start_of(from).ok_or_else(overflow)?;
    let count = period_count(interval, start, to);
    if count > MAX_RUNNING_PERIODS {
        return Err(Error::limit(
            "periods of running totals",
            MAX_RUNNING_PERIODS,
            count,
        ));
    }
    let mut ends = Vec::with_capacity(count);
    while start <= to {
        let next = start
            .checked_add_months(Months::new(interval.months()))
            .ok_or_else(overflow)?;
        let last_day = next.pred_opt().ok_or_else(overflow)?;
        ends.push((interval.key(start), last_day.min(to)));
        start = next;
    }
    Ok(ends)
}

/// How many periods of `interval` from the one starting on `start` (a
/// period's first day) take to reach `to`: none when `to` is before
/// `start`. Counted from the months between them, so that a limit error
/// gives the real count however many periods there are.
fn period_count(interval: Interval, start: NaiveDate, to: NaiveDate) -> usize {
    if to < start {
        return 0;
    }
    // A date's year is within ±262,143: none of this can overflow.
    let month = |date: NaiveDate| {
        i64::from(date.year())
            .saturating_mul(12)
            .saturating_add(i64::from(date.month0()))
    };
    let months = month(to).saturating_sub(month(start));
    let periods = months
        .checked_div(i64::from(interval.months()))
        .unwrap_or(months)
        .saturating_add(1);
    usize::try_from(periods).unwrap_or(usize::MAX)
}

/// The one pass: a ledger that grows entry by entry, in date order.
struct Pass<'l> {
    source: &'l Ledger,
    undated: Undated,
    /// The pledge entries to apply, by date (undated first, when
    /// included), in recorded order within a date: their sequence numbers,
    /// each entry put back together only when it is applied (a copy of
    /// every entry held for the pass outweighed the ledger).
    order: Vec<(Option<NaiveDate>, u64)>,
    next: usize,
    ledger: Ledger,
    /// Entries that could not apply, as `Snapshot::left_out` lists them.
    left_out: Vec<u64>,
    /// The highest sequence number applied (or tried) so far.
    latest: Option<u64>,
}

fn is_roster(entry: &EntryView<'_>) -> bool {
    entry
        .whole_action()
        .is_some_and(|action| matches!(action, Action::AddMember(_) | Action::AddSource(_)))
}

impl<'l> Pass<'l> {
    fn new(source: &'l Ledger, undated: Undated) -> Pass<'l> {
        // The roster applies at every date (as in `as_of`); it goes first.
        let mut ledger = Ledger::new();
        let mut left_out = Vec::new();
        let roster = source.entry_views().filter(is_roster);
        ledger.replay_all(roster.filter_map(|e| e.entry()), &mut left_out);
        let mut order: Vec<(Option<NaiveDate>, u64)> = source
            .entry_views()
            .filter(|e| !is_roster(e))
            .filter(|e| e.date().is_some() || undated == Undated::Include)
            .map(|e| (e.date(), e.sequence()))
            .collect();
        // Stable: recorded order within a date.
        order.sort_by_key(|(date, _)| *date);
        Pass {
            source,
            undated,
            order,
            next: 0,
            ledger,
            left_out,
            latest: None,
        }
    }

    /// Applies every entry dated on or before `end`, a date at a time.
    fn advance_to(&mut self, end: NaiveDate) {
        while let Some(&(date, first)) = self.order.get(self.next) {
            if date.is_some_and(|d| d > end) {
                break;
            }
            let group_end = self
                .order
                .iter()
                .skip(self.next)
                .take_while(|(d, _)| *d == date)
                .count()
                .saturating_add(self.next);
            let back_dated = self.latest.is_some_and(|latest| first < latest);
            match date {
                Some(day) if back_dated => {
                    // Recorded before entries already applied: replay the
                    // state at this date in recorded order.
                    let snapshot = self.source.as_of_with(day, self.undated);
                    self.left_out = snapshot.left_out().to_vec();
                    self.ledger = snapshot.into_ledger();
                }
                _ => {
                    let group = self.order.get(self.next..group_end).unwrap_or(&[]);
                    let source = self.source;
                    self.ledger.replay_all(
                        group
                            .iter()
                            .filter_map(|&(_, sequence)| source.entry(sequence)),
                        &mut self.left_out,
                    );
                }
            }
            let group_latest = self
                .order
                .get(self.next..group_end)
                .and_then(|g| g.iter().map(|&(_, sequence)| sequence).max());
            self.latest = self.latest.max(group_latest);
            self.next = group_end;
        }
    }
}

impl fmt::Display for RunningTotals {
    /// One line per period: its name, the date it is answered as of, and
    /// the pledged, delivered and outstanding grand totals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = self
            .periods
            .first()
            .map(|p| p.pledged.unit(false))
            .unwrap_or_default();
        writeln!(
            f,
            "running totals of {unit} by {}, {} to {}",
            self.interval, self.from, self.to
        )?;
        let mut lines = vec![[
            "period".to_string(),
            "as of".into(),
            "pledged".into(),
            "delivered".into(),
            "outstanding".into(),
        ]];
        for p in &self.periods {
            lines.push([
                p.key.to_string(),
                p.end.to_string(),
                p.pledged.total().to_string(),
                p.delivered.total().to_string(),
                p.outstanding.total().to_string(),
            ]);
        }
        let mut widths = [0usize; 5];
        for line in &lines {
            for (w, cell) in widths.iter_mut().zip(line) {
                *w = (*w).max(cell.chars().count());
            }
        }
        for line in &lines {
            let [period, end, pledged, delivered, outstanding] = line;
            let [w_period, w_end, w_pledged, w_delivered, w_outstanding] = widths;
            writeln!(
                f,
                "{period:<w_period$}  {end:<w_end$}  {pledged:>w_pledged$}  {delivered:>w_delivered$}  {outstanding:>w_outstanding$}"
            )?;
        }
        let shown_rounded = self
            .periods
            .iter()
            .flat_map(|p| [&p.pledged, &p.delivered, &p.outstanding])
            .any(|t| t.total().is_shown_rounded());
        if shown_rounded {
            writeln!(f, "note: {SHOWN_ROUNDED}")?;
        }
        for line in self.note_lines(
            &[Basis::Pledged, Basis::Delivered, Basis::Outstanding],
            false,
        ) {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

impl RunningTotals {
    /// The notes of every period's answers on `bases`, each once: `note:
    /// ...` when every period has it, else `note (2025-Q1 to 2025-Q3):
    /// ...` naming the periods that do. An entry dated to a year is left
    /// out of the year's first quarters and counted in its last: the last
    /// period's notes alone said nothing of it. With `rows` false (the
    /// printed answer shows grand totals only) rows that overlap or lie
    /// below zero are not noted; a chart, which draws the rows (and not the
    /// grand total of a grouped answer), notes them.
    /// A note only some of the bases have names them (see `of_bases`).
    pub(crate) fn note_lines(&self, bases: &[Basis], rows: bool) -> Vec<String> {
        let per_period: Vec<Vec<String>> = self
            .periods
            .iter()
            .map(|p| {
                let tables: Vec<&Table> = bases.iter().map(|&basis| p.table(basis)).collect();
                let mut notes = of_bases(bases, &tables, |table| {
                    table.overlap_and_rounding_notes(rows)
                });
                // Counted over every total the period shows: each basis's
                // "1 total below zero" said once read as one total. A chart
                // draws a grouped answer's rows and not its grand total.
                let mut shown: Vec<&Total> = Vec::new();
                for table in &tables {
                    if rows && !table.dimensions().is_empty() {
                        shown.extend(table.rows().map(Row::total));
                    } else {
                        shown.push(table.total());
                    }
                }
                notes.extend(below_zero_note(shown.into_iter()));
                notes.extend(of_bases(bases, &tables, |table| table.left_out().notes()));
                notes
            })
            .collect();
        let mut distinct: Vec<&String> = Vec::new();
        for note in per_period.iter().flatten() {
            if !distinct.contains(&note) {
                distinct.push(note);
            }
        }
        distinct
            .into_iter()
            .map(|note| {
                let present: Vec<bool> = per_period.iter().map(|n| n.contains(note)).collect();
                if present.iter().all(|&p| p) {
                    format!("note: {note}")
                } else {
                    format!("note ({}): {note}", self.periods_where(&present))
                }
            })
            .collect()
    }

    /// The periods where `present` is true, as runs: `2025-Q1 to
    /// 2025-Q3, 2026-Q1`.
    fn periods_where(&self, present: &[bool]) -> String {
        let mut runs: Vec<String> = Vec::new();
        let mut start: Option<&Period> = None;
        let mut previous: Option<&Period> = None;
        for (period, &here) in self.periods.iter().zip(present) {
            match (here, start) {
                (true, None) => start = Some(period),
                (false, Some(first)) => {
                    runs.push(run_text(first, previous.unwrap_or(first)));
                    start = None;
                }
                _ => {}
            }
            previous = Some(period);
        }
        if let (Some(first), Some(last)) = (start, previous) {
            runs.push(run_text(first, last));
        }
        runs.join(", ")
    }
}

/// The notes `of` each basis's answer, each once, naming the bases that
/// have it when not all do (`pledged and outstanding: 1 pledge left out:
/// ...`): a note under three columns read as true of each.
fn of_bases(bases: &[Basis], tables: &[&Table], of: impl Fn(&Table) -> Vec<String>) -> Vec<String> {
    let per_basis: Vec<Vec<String>> = tables.iter().map(|table| of(table)).collect();
    let mut distinct: Vec<&String> = Vec::new();
    for note in per_basis.iter().flatten() {
        if !distinct.contains(&note) {
            distinct.push(note);
        }
    }
    distinct
        .into_iter()
        .map(|note| {
            let having: Vec<String> = bases
                .iter()
                .zip(&per_basis)
                .filter(|(_, notes)| notes.contains(note))
                .map(|(basis, _)| basis.to_string())
                .collect();
            if having.len() == bases.len() {
                note.clone()
            } else {
                format!("{}: {note}", and_list(&having))
            }
        })
        .collect()
}

/// `pledged`, `pledged and outstanding`, `pledged, delivered and
/// outstanding`.
fn and_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// `2025-Q1`, or `2025-Q1 to 2025-Q3`.
fn run_text(first: &Period, last: &Period) -> String {
    if first.key == last.key {
        first.key.to_string()
    } else {
        format!("{} to {}", first.key, last.key)
    }
}
