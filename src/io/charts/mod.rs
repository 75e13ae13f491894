//! SVG charts an analyst can drop into a report (feature `charts`).
//!
//! * [`coverage`]: coverage of a target as one stacked bar (firm, likely,
//!   conditional, possible) against the target line;
//! * [`running_totals`]: running totals over time as lines (with low–high
//!   bands) or stacked areas, one series per row (member, kind, ...);
//! * [`table_bars`]: a table's rows as horizontal bars with their low–high
//!   ranges as error bars (a dashed arrow for a row without an upper
//!   bound).
//!
//! The SVG is written directly, not through a plotting crate: the three
//! chart shapes need rectangles, lines, paths and text, and a plotting
//! crate's SVG backend lays text out by measuring glyphs, which needs font
//! files at run time (or embedded fonts) and brings a dependency tree for
//! what is a few hundred lines here. Output is deterministic: the same
//! input gives the same bytes (coordinates with one decimal, series in key
//! order). Every chart writes its answer's notes (what it left out, rows
//! that overlap, totals below zero, a division rounded) as `note:` lines,
//! as tables do. Labels are short (`EUR 1.5bn`: two decimals of k, m, bn
//! or tn), a low bound rounded down and a high bound up, so that a label
//! never claims more than the answer (`≥ 4,999` is `≥ 4.99k`). Axis
//! labels are the ticks' values, with as many decimals as the step needs
//! (`EUR 0.025`).
//!
//! ```
//! use coalition_ledger::prelude::*;
//! use coalition_ledger::io::charts::{self, ChartOptions};
//!
//! let ledger = fixtures::paris_summit();
//! let table = ledger.query().group_by([Dimension::Member]).run()?;
//! let svg = charts::table_bars(&table, &ChartOptions::new("Pledges by member"))?;
//! assert!(svg.starts_with("<svg"));
//! assert_eq!(svg, charts::table_bars(&table, &ChartOptions::new("Pledges by member"))?);
//! # Ok::<(), coalition_ledger::Error>(())
//! ```

mod bars;
mod coverage;
mod running;
mod scale;
mod svg;

use crate::error::Result;
use crate::query::{Basis, Coverage, RunningTotals, Table};
use std::fmt::Write as _;

/// Series colours (Okabe–Ito, readable with colour-blindness).
const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442",
];

/// A chart's title and width.
///
/// # Example
///
/// ```
/// use coalition_ledger::io::charts::ChartOptions;
///
/// let options = ChartOptions::new("Troops pledged").width(900);
/// assert_eq!(options.title(), "Troops pledged");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartOptions {
    title: String,
    width: u32,
}

impl ChartOptions {
    /// A chart titled `title`, 760 pixels wide.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::io::charts::ChartOptions;
    ///
    /// assert_eq!(ChartOptions::new("Coverage").title(), "Coverage");
    /// ```
    pub fn new(title: impl Into<String>) -> ChartOptions {
        ChartOptions {
            title: title.into(),
            width: 760,
        }
    }

    /// The width in pixels (at least 480; the height follows the content).
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::io::charts::ChartOptions;
    ///
    /// let svg_width = ChartOptions::new("x").width(100);
    /// assert_eq!(svg_width, ChartOptions::new("x").width(480));
    /// ```
    #[must_use]
    pub fn width(mut self, width: u32) -> ChartOptions {
        self.width = width.max(480);
        self
    }

    /// The title.
    ///
    /// # Example
    ///
    /// ```
    /// use coalition_ledger::io::charts::ChartOptions;
    ///
    /// assert_eq!(ChartOptions::new("Gap").title(), "Gap");
    /// ```
    pub fn title(&self) -> &str {
        &self.title
    }
}

/// How [`running_totals`] draws its series.
///
/// # Example
///
/// ```
/// use coalition_ledger::io::charts::Layout;
///
/// assert_ne!(Layout::Lines, Layout::StackedAreas);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// One line per series through its low bounds, with a band up to the
    /// high bounds where they differ.
    Lines,
    /// The series' low bounds stacked as areas (refused when rows overlap).
    StackedAreas,
}

crate::spelling::spelled!(Layout, "chart layout", "io::charts::Layout", {
    Lines => "lines",
    StackedAreas => "stacked_areas",
});

/// Coverage of a target as one stacked bar against the target line.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
/// use coalition_ledger::io::charts::{self, ChartOptions};
///
/// let coverage = fixtures::paris_summit().query().coverage(&Target::personnel(25_000))?;
/// let svg = charts::coverage(&coverage, &ChartOptions::new("Reassurance force"));
/// assert!(svg.contains("target 25k"));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn coverage(coverage: &Coverage, options: &ChartOptions) -> String {
    coverage::render(coverage, options)
}

/// Running totals on one basis over time.
///
/// # Errors
///
/// [`Error::InvalidValue`](crate::Error::InvalidValue) for stacked areas of
/// overlapping rows (grouped by group).
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
/// use coalition_ledger::io::charts::{self, ChartOptions, Layout};
///
/// let running = fixtures::paris_summit().query().group_by([Dimension::Kind])
///     .running_totals(Interval::Month, parse_date("2025-08-01")?, parse_date("2025-12-31")?)?;
/// let svg = charts::running_totals(&running, Basis::Pledged, Layout::StackedAreas, &ChartOptions::new("Pledges"))?;
/// assert!(svg.contains("2025-12"));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn running_totals(
    running: &RunningTotals,
    basis: Basis,
    layout: Layout,
    options: &ChartOptions,
) -> Result<String> {
    running::render(running, basis, layout, options)
}

/// A table's rows as horizontal bars with low–high error bars.
///
/// # Errors
///
/// [`Error::Limit`](crate::Error::Limit) beyond 60 rows.
///
/// # Example
///
/// ```
/// use coalition_ledger::prelude::*;
/// use coalition_ledger::io::charts::{self, ChartOptions};
///
/// let table = fixtures::paris_summit().query().group_by([Dimension::Stage]).run()?;
/// let svg = charts::table_bars(&table, &ChartOptions::new("By stage"))?;
/// assert!(svg.contains("announced"));
/// # Ok::<(), coalition_ledger::Error>(())
/// ```
pub fn table_bars(table: &Table, options: &ChartOptions) -> Result<String> {
    bars::render(table, options)
}

/// An answer's notes as the `note:` lines a printed answer ends with.
fn noted(notes: Vec<String>) -> String {
    notes.iter().fold(String::new(), |mut lines, note| {
        let _ = writeln!(lines, "note: {note}");
        lines
    })
}

/// Writes `note:` lines (what an answer left out or rounded) under a chart.
fn notes(svg: &mut svg::Svg, x: f64, y: f64, text: &str) {
    let mut line_y = y;
    for line in text.lines() {
        svg.styled_text(
            x,
            line_y,
            11.0,
            svg::Anchor::Start,
            r##"fill="#555" font-style="italic""##,
            line,
        );
        line_y += 15.0;
    }
}
