//! Coverage of a target as one stacked bar: firm, likely, conditional and
//! possible against the target line.

use super::scale::{Scale, compact, compact_total, to_f64};
use super::svg::{Anchor, Svg, text_width};
use super::{ChartOptions, noted, notes};
use crate::money::Currency;
use crate::query::{Coverage, Total};

/// Colours (Okabe–Ito, readable with colour-blindness), firm to possible.
const BUCKETS: [(&str, &str); 4] = [
    ("firm", "#0072B2"),
    ("likely", "#56B4E9"),
    ("conditional", "#E69F00"),
    ("possible", "#F0E442"),
];

/// Where the bar is drawn.
const BAR_Y: f64 = 90.0;
const BAR_HEIGHT: f64 = 44.0;

pub(crate) fn render(coverage: &Coverage, options: &ChartOptions) -> String {
    let width = f64::from(options.width);
    let currency = coverage.currency();
    let notes_text = noted(coverage.notes());
    let note_lines = notes_text.lines().count();
    let height = BAR_Y + BAR_HEIGHT + 52.0 + 4.0 * 18.0 + 15.0 * count(note_lines) + 24.0;
    let mut svg = Svg::new(width, height);
    let totals: [&Total; 4] = [
        coverage.firm(),
        coverage.likely(),
        coverage.conditional(),
        coverage.possible(),
    ];
    let low_sum = totals.iter().fold(0.0, |sum, t| sum + to_f64(t.low()));
    let high_sum = totals
        .iter()
        .try_fold(0.0, |sum, t| Some(sum + to_f64(t.high()?)));
    let required = to_f64(coverage.required());
    let top = required.max(high_sum.unwrap_or(low_sum)).max(low_sum);
    let (left, right) = (30.0, width - 30.0);
    let scale = Scale::new(top, left, right);
    svg.text(left, 28.0, 16.0, Anchor::Start, options.title());
    let subtitle = format!(
        "{} against a target of {} (bars: low bounds; dashed: up to the high bounds)",
        coverage.measure(),
        compact(required, currency)
    );
    svg.styled_text(
        left,
        48.0,
        12.0,
        Anchor::Start,
        r##"fill="#555""##,
        &subtitle,
    );
    for tick in scale.ticks() {
        let x = scale.at(tick);
        svg.line(
            x,
            BAR_Y - 8.0,
            x,
            BAR_Y + BAR_HEIGHT + 8.0,
            r##"stroke="#ddd""##,
        );
        let label = scale.label(tick, currency);
        svg.text(x, BAR_Y + BAR_HEIGHT + 24.0, 11.0, Anchor::Middle, &label);
    }
    let end_of_lows = stacked_bar(&mut svg, &scale, &totals);
    let unspecified = totals.iter().any(|t| t.unspecified() > 0);
    high_bounds(
        &mut svg,
        (&scale, right),
        end_of_lows,
        (low_sum, high_sum),
        unspecified,
    );
    target_line(&mut svg, &scale, required, currency, right);
    let legend_y = BAR_Y + BAR_HEIGHT + 52.0;
    legend(&mut svg, left, legend_y, &totals, currency);
    let notes_y = legend_y + 4.0 * 18.0 + 8.0;
    notes(&mut svg, left, notes_y, &notes_text);
    svg.finish(options.title())
}

/// The buckets' low bounds, stacked; returns where the stack ends.
fn stacked_bar(svg: &mut Svg, scale: &Scale, totals: &[&Total; 4]) -> f64 {
    let mut stacked = 0.0;
    for ((_, colour), total) in BUCKETS.iter().zip(totals) {
        let from = scale.at(stacked);
        stacked += to_f64(total.low());
        let style = format!(r#"fill="{colour}""#);
        svg.rect(from, BAR_Y, scale.at(stacked) - from, BAR_HEIGHT, &style);
    }
    scale.at(stacked)
}

/// What the high bounds add, as a dashed outline; an unbounded total runs
/// to the edge with an arrow and the reason it has no upper bound (a size
/// unspecified, or only an open-ended "at least" one).
fn high_bounds(
    svg: &mut Svg,
    (scale, right): (&Scale, f64),
    x: f64,
    (low, high): (f64, Option<f64>),
    unspecified: bool,
) {
    let mid = BAR_Y + BAR_HEIGHT / 2.0;
    match high {
        Some(high) if high > low => {
            let style = r##"fill="none" stroke="#555" stroke-dasharray="4 3""##;
            svg.rect(x, BAR_Y, scale.at(high) - x, BAR_HEIGHT, style);
        }
        Some(_) => {}
        None => {
            svg.line(
                x,
                mid,
                right,
                mid,
                r##"stroke="#555" stroke-dasharray="4 3""##,
            );
            let arrow = [
                (right - 8.0, mid - 5.0),
                (right, mid),
                (right - 8.0, mid + 5.0),
            ];
            svg.path(&arrow, false, r##"fill="none" stroke="#555""##);
            let note = if unspecified {
                "no upper bound (a size is unspecified)"
            } else {
                "no upper bound (a size is open-ended: at least)"
            };
            svg.styled_text(
                right,
                BAR_Y - 30.0,
                11.0,
                Anchor::End,
                r##"fill="#555""##,
                note,
            );
        }
    }
}

fn target_line(
    svg: &mut Svg,
    scale: &Scale,
    required: f64,
    currency: Option<Currency>,
    right: f64,
) {
    let x = scale.at(required);
    let style = r##"stroke="#D55E00" stroke-width="2.5""##;
    svg.line(x, BAR_Y - 14.0, x, BAR_Y + BAR_HEIGHT + 8.0, style);
    let label = format!("target {}", compact(required, currency));
    let (anchor, offset) = if x + text_width(&label, 11.0) > right {
        (Anchor::End, -4.0)
    } else {
        (Anchor::Start, 4.0)
    };
    let style = r##"fill="#D55E00" font-weight="bold""##;
    svg.styled_text(x + offset, BAR_Y - 14.0, 11.0, anchor, style, &label);
}

/// Each bucket with its colour, range and count, one per line.
fn legend(svg: &mut Svg, left: f64, y: f64, totals: &[&Total; 4], currency: Option<Currency>) {
    let mut line_y = y;
    for ((label, colour), total) in BUCKETS.iter().zip(totals) {
        let text = format!("{label}: {}", compact_total(total, currency));
        let style = format!(r##"fill="{colour}" stroke="#999""##);
        svg.rect(left, line_y - 10.0, 12.0, 12.0, &style);
        svg.text(left + 17.0, line_y, 11.0, Anchor::Start, &text);
        line_y += 18.0;
    }
}

/// A count as a plotting number.
fn count(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}
