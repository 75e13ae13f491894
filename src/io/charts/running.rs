//! Running totals over time: one line per series (with its low–high band),
//! or the series' low bounds stacked as areas.

use std::collections::BTreeMap;

use super::scale::{Scale, compact, compact_bound, compact_range, to_f64};
use super::svg::{Anchor, Svg, text_width};
use super::{ChartOptions, Layout, PALETTE, notes};
use crate::error::{Error, Result};
use crate::exact::Toward;
use crate::query::{Basis, Key, RunningTotals, Table, Total};

/// Most series drawn; the smaller ones beyond it are drawn as one, "other".
const MAX_SERIES: usize = 8;

/// One series: its label and, per period, its low and high bound (`None`
/// when unbounded).
struct Series {
    label: String,
    points: Vec<(f64, Option<f64>)>,
    /// The last period's total, exact, for the legend's label (none for a
    /// row the last period does not have).
    last: Option<Total>,
}

pub(crate) fn render(
    running: &RunningTotals,
    basis: Basis,
    layout: Layout,
    options: &ChartOptions,
) -> Result<String> {
    let tables: Vec<&Table> = running.periods().map(|p| p.table(basis)).collect();
    if layout == Layout::StackedAreas && tables.iter().any(|t| t.is_overlapping()) {
        return Err(Error::invalid(
            "running totals chart",
            "layout",
            "rows overlap (members in several groups), so stacking them would add some pledges twice; draw lines",
        ));
    }
    let (series, omitted) = series(&tables);
    let width = f64::from(options.width);
    let currency = tables.first().and_then(|t| t.currency());
    let (top, bottom) = (70.0, 330.0);
    let (low, high) = value_range(&series, layout, tables.len());
    let y = Scale::spanning(low, high, bottom, top);
    // The axis labels end 6 px left of the frame and start at least 4 px
    // inside the picture, however many digits a tick needs.
    let widest = y
        .ticks()
        .into_iter()
        .map(|tick| text_width(&y.label(tick, currency), 11.0))
        .fold(0.0, f64::max);
    let frame = Frame {
        left: (widest + 10.0).max(70.0),
        right: width - 190.0,
        top,
        bottom,
        periods: tables.len().max(1),
    };
    let note_lines: Vec<String> = running
        .note_lines(&[basis], true)
        .into_iter()
        .chain(omitted)
        .collect();
    // Four notes fit under the axis; more lengthen the picture.
    let extra = note_lines.len().saturating_sub(4);
    let height = 420.0 + 15.0 * f64::from(u32::try_from(extra).unwrap_or(u32::MAX));
    let mut svg = Svg::new(width, height);
    header(&mut svg, running, &tables, basis, layout, options);
    axes(&mut svg, running, &frame, &y, currency);
    match layout {
        Layout::Lines => draw_lines(&mut svg, &series, &y, &frame),
        Layout::StackedAreas => draw_stacked(&mut svg, &series, &y, &frame),
    }
    legend(&mut svg, &series, &frame, currency);
    notes(&mut svg, 20.0, frame.bottom + 40.0, &note_lines.join("\n"));
    Ok(svg.finish(options.title()))
}

/// The plotting area and the number of periods along it.
struct Frame {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    periods: usize,
}

impl Frame {
    fn x_at(&self, period: usize) -> f64 {
        let gaps = count(self.periods.saturating_sub(1).max(1));
        self.left + (self.right - self.left) * count(period) / gaps
    }

    fn step(&self) -> f64 {
        self.x_at(1) - self.x_at(0)
    }
}

/// A count as a plotting number.
fn count(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

fn colour(i: usize) -> &'static str {
    i.checked_rem(PALETTE.len())
        .and_then(|i| PALETTE.get(i))
        .copied()
        .unwrap_or("#000")
}

/// The lowest and highest values drawn (zero among them): a line's low
/// and high bounds, or every height a stack reaches on the way up, not
/// only where it ends (each area is stacked on the ones before it, in
/// order, and one below zero may follow a larger one). Adjustments can
/// take a total below zero.
fn value_range(series: &[Series], layout: Layout, periods: usize) -> (f64, f64) {
    let widen = |(low, high): (f64, f64), value: f64| (low.min(value), high.max(value));
    match layout {
        Layout::Lines => series
            .iter()
            .flat_map(|s| s.points.iter())
            .flat_map(|(low, high)| [*low, high.unwrap_or(*low)])
            .fold((0.0, 0.0), widen),
        Layout::StackedAreas => (0..periods)
            .flat_map(|i| {
                series
                    .iter()
                    .filter_map(move |s| s.points.get(i))
                    .scan(0.0, |sum, p| {
                        *sum += p.0;
                        Some(*sum)
                    })
            })
            .fold((0.0, 0.0), widen),
    }
}

fn header(
    svg: &mut Svg,
    running: &RunningTotals,
    tables: &[&Table],
    basis: Basis,
    layout: Layout,
    options: &ChartOptions,
) {
    svg.text(20.0, 28.0, 16.0, Anchor::Start, options.title());
    let unit = tables.first().map_or_else(String::new, |t| t.unit(false));
    let how = match layout {
        Layout::Lines => "lines: low bounds, bands up to the high bounds",
        Layout::StackedAreas => "stacked areas: low bounds",
    };
    let subtitle = format!(
        "{unit}, {basis}, at the end of each {}; {how}",
        running.interval()
    );
    svg.styled_text(
        20.0,
        48.0,
        12.0,
        Anchor::Start,
        r##"fill="#555""##,
        &subtitle,
    );
}

fn axes(
    svg: &mut Svg,
    running: &RunningTotals,
    frame: &Frame,
    y: &Scale,
    currency: Option<crate::money::Currency>,
) {
    for tick in y.ticks() {
        let ty = y.at(tick);
        svg.line(frame.left, ty, frame.right, ty, r##"stroke="#e3e3e3""##);
        svg.text(
            frame.left - 6.0,
            ty + 4.0,
            11.0,
            Anchor::End,
            &y.label(tick, currency),
        );
    }
    svg.line(
        frame.left,
        frame.bottom,
        frame.right,
        frame.bottom,
        r##"stroke="#999""##,
    );
    // Period labels, thinned so that they do not overlap.
    let label_width = running
        .periods()
        .map(|p| text_width(&p.key().to_string(), 11.0))
        .fold(0.0, f64::max);
    let every = (1..=frame.periods)
        .find(|k| frame.step() * count(*k) >= label_width + 8.0)
        .unwrap_or(frame.periods);
    let last = frame.periods.saturating_sub(1);
    for (i, period) in running.periods().enumerate() {
        // A regular label too close to the last one gives way to it.
        let regular = i.checked_rem(every) == Some(0) && last.saturating_sub(i) >= every;
        if regular || i == last {
            let x = frame.x_at(i);
            svg.line(x, frame.bottom, x, frame.bottom + 4.0, r##"stroke="#999""##);
            svg.text(
                x,
                frame.bottom + 18.0,
                11.0,
                Anchor::Middle,
                &period.key().to_string(),
            );
        }
    }
}

/// Each series with its colour and last value.
fn legend(
    svg: &mut Svg,
    series: &[Series],
    frame: &Frame,
    currency: Option<crate::money::Currency>,
) {
    let mut ly = frame.top;
    for (i, s) in series.iter().enumerate() {
        svg.rect(
            frame.right + 16.0,
            ly - 10.0,
            12.0,
            12.0,
            &format!(r#"fill="{}""#, colour(i)),
        );
        let exact = s.last.as_ref().map(|total| compact_range(total, currency));
        let last = exact.unwrap_or_else(|| {
            s.points
                .last()
                .map_or(String::new(), |(low, high)| match high {
                    Some(h) if (h - low).abs() > f64::EPSILON => format!(
                        "{}–{}",
                        compact_bound(*low, currency, Toward::Down),
                        compact_bound(*h, None, Toward::Up)
                    ),
                    Some(_) => compact(*low, currency),
                    None => format!("≥ {}", compact_bound(*low, currency, Toward::Down)),
                })
        });
        svg.text(
            frame.right + 33.0,
            ly,
            11.0,
            Anchor::Start,
            &format!("{} {last}", s.label),
        );
        ly += 18.0;
    }
}

fn draw_lines(svg: &mut Svg, series: &[Series], y: &Scale, frame: &Frame) {
    for (i, s) in series.iter().enumerate() {
        let colour = colour(i);
        let lows: Vec<(f64, f64)> = s
            .points
            .iter()
            .enumerate()
            .map(|(p, (low, _))| (frame.x_at(p), y.at(*low)))
            .collect();
        let bounded = s.points.iter().all(|(_, h)| h.is_some());
        let ranged = s.points.iter().any(|(low, h)| h.is_some_and(|h| h > *low));
        if bounded && ranged {
            let mut band: Vec<(f64, f64)> = s
                .points
                .iter()
                .enumerate()
                .map(|(p, (_, h))| (frame.x_at(p), y.at(h.unwrap_or(0.0))))
                .collect();
            band.extend(lows.iter().rev());
            svg.path(
                &band,
                true,
                &format!(r#"fill="{colour}" fill-opacity="0.18" stroke="none""#),
            );
        }
        svg.path(
            &lows,
            false,
            &format!(r#"fill="none" stroke="{colour}" stroke-width="2.2""#),
        );
        for (x, py) in &lows {
            svg.circle(*x, *py, 2.6, &format!(r#"fill="{colour}""#));
        }
    }
}

fn draw_stacked(svg: &mut Svg, series: &[Series], y: &Scale, frame: &Frame) {
    let mut base = vec![0.0f64; frame.periods];
    for (i, s) in series.iter().enumerate() {
        let top: Vec<f64> = (0..frame.periods)
            .map(|p| base.get(p).copied().unwrap_or(0.0) + s.points.get(p).map_or(0.0, |pt| pt.0))
            .collect();
        let mut polygon: Vec<(f64, f64)> = top
            .iter()
            .enumerate()
            .map(|(p, v)| (frame.x_at(p), y.at(*v)))
            .collect();
        polygon.extend(
            base.iter()
                .enumerate()
                .rev()
                .map(|(p, v)| (frame.x_at(p), y.at(*v))),
        );
        svg.path(
            &polygon,
            true,
            &format!(
                r#"fill="{}" fill-opacity="0.85" stroke="white" stroke-width="0.8""#,
                colour(i)
            ),
        );
        base = top;
    }
}

/// A row's points in every period, and its last period's exact total.
type Points = (Vec<(f64, Option<f64>)>, Option<Total>);

/// The series of the tables: one per row key (or the grand total when
/// ungrouped), the largest first by their last low bound beyond
/// [`MAX_SERIES`] merged into "other"; when rows overlap, those are left
/// out instead, with the note that says so.
fn series(tables: &[&Table]) -> (Vec<Series>, Option<String>) {
    let grouped = tables.first().is_some_and(|t| !t.dimensions().is_empty());
    if !grouped {
        let points = tables
            .iter()
            .map(|t| (to_f64(t.total().low()), t.total().high().map(to_f64)))
            .collect();
        return (
            vec![Series {
                label: "total".into(),
                points,
                last: tables.last().map(|t| *t.total()),
            }],
            None,
        );
    }
    let mut by_key: BTreeMap<Vec<Key>, Points> = BTreeMap::new();
    let last_period = tables.len().saturating_sub(1);
    for (p, table) in tables.iter().enumerate() {
        for row in table.rows() {
            let (points, last) = by_key
                .entry(row.keys().to_vec())
                .or_insert_with(|| (vec![(0.0, Some(0.0)); tables.len()], None));
            if let Some(slot) = points.get_mut(p) {
                *slot = (to_f64(row.total().low()), row.total().high().map(to_f64));
            }
            if p == last_period {
                *last = Some(*row.total());
            }
        }
    }
    let mut all: Vec<Series> = by_key
        .into_iter()
        .map(|(keys, (points, last))| Series {
            label: keys
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" / "),
            points,
            last,
        })
        .collect();
    if all.len() <= MAX_SERIES {
        return (all, None);
    }
    // Keep the largest by the last period's low bound (ties by label, so
    // the choice is deterministic).
    all.sort_by(|a, b| {
        let last = |s: &Series| s.points.last().map_or(0.0, |p| p.0);
        last(b)
            .total_cmp(&last(a))
            .then_with(|| a.label.cmp(&b.label))
    });
    if tables.iter().any(|t| t.is_overlapping()) {
        // A pledge of a member in several groups is in several rows:
        // summing them would count it once per row.
        let count = all.split_off(MAX_SERIES).len();
        all.sort_by(|a, b| a.label.cmp(&b.label));
        let rows = if count == 1 { "row" } else { "rows" };
        let omitted = format!(
            "note: {count} more {rows} not drawn (members in several groups appear in each, so rows are not summed into one)"
        );
        return (all, Some(omitted));
    }
    let rest = all.split_off(MAX_SERIES - 1);
    let count = rest.len();
    let mut other = vec![(0.0, Some(0.0)); tables.len()];
    for s in &rest {
        for (slot, (low, high)) in other.iter_mut().zip(&s.points) {
            slot.0 += low;
            slot.1 = match (slot.1, high) {
                (Some(a), Some(b)) => Some(a + b),
                _ => None,
            };
        }
    }
    // The exact sum of the merged rows' last totals, for the label.
    let last =
        rest.iter()
            .filter_map(|s| s.last.as_ref())
            .try_fold(Total::default(), |mut sum, total| {
                sum.merge(total).ok()?;
                Some(sum)
            });
    all.sort_by(|a, b| a.label.cmp(&b.label));
    all.push(Series {
        label: format!("other ({count})"),
        points: other,
        last,
    });
    (all, None)
}
