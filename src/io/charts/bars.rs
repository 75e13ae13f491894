//! A table's rows as horizontal bars (the low bound) with error bars up to
//! the high bound, or a dashed arrow when there is none.

use super::scale::{Scale, compact_total, to_f64};
use super::svg::{Anchor, Svg, text_width};
use super::{ChartOptions, PALETTE, noted, notes};
use crate::error::{Error, Result};
use crate::query::{Table, Total};

/// Most rows drawn as bars: beyond it the labels would be unreadable.
pub(crate) const MAX_BAR_ROWS: usize = 60;

pub(crate) fn render(table: &Table, options: &ChartOptions) -> Result<String> {
    let rows: Vec<_> = table.rows().collect();
    if rows.len() > MAX_BAR_ROWS {
        return Err(Error::limit(
            "rows in a bar chart",
            MAX_BAR_ROWS,
            rows.len(),
        ));
    }
    let currency = table.currency();
    let labels: Vec<String> = rows
        .iter()
        .map(|r| {
            r.keys()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" / ")
        })
        .collect();
    let label_width = labels
        .iter()
        .map(|l| text_width(l, 12.0))
        .fold(40.0, f64::max);
    let value_texts: Vec<String> = rows
        .iter()
        .map(|r| compact_total(r.total(), currency))
        .collect();
    let value_width = value_texts
        .iter()
        .map(|t| text_width(t, 11.0))
        .fold(0.0, f64::max);
    let width = f64::from(options.width);
    let (left, right) = (
        20.0 + label_width + 10.0,
        (width - value_width - 30.0).max(20.0 + label_width + 120.0),
    );
    let row_height = 28.0;
    let top = 88.0;
    let rows_len = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    let notes_text = noted(table.notes());
    // Three notes fit under the bars; more lengthen the picture.
    let extra = notes_text.lines().count().saturating_sub(3);
    let extra = 15.0 * f64::from(u32::try_from(extra).unwrap_or(u32::MAX));
    let height = top + row_height * f64::from(rows_len.max(1)) + 80.0 + extra;
    let max = rows
        .iter()
        .map(|r| r.total().high().map_or(to_f64(r.total().low()), to_f64))
        .fold(0.0, f64::max);
    let min = rows
        .iter()
        .map(|r| to_f64(r.total().low()))
        .fold(0.0, f64::min);
    let x = Scale::spanning(min, max, left, right);
    let mut svg = Svg::new(width.max(right + value_width + 30.0), height);
    svg.text(20.0, 28.0, 16.0, Anchor::Start, options.title());
    let unit = table.unit(true);
    let subtitle = format!("{unit}; bars: low bounds, whiskers: up to the high bounds");
    svg.styled_text(
        20.0,
        48.0,
        12.0,
        Anchor::Start,
        r##"fill="#555""##,
        &subtitle,
    );
    let total = format!("total: {}", compact_total(table.total(), currency));
    svg.styled_text(20.0, 64.0, 12.0, Anchor::Start, r##"fill="#555""##, &total);
    let bottom = top + row_height * f64::from(rows_len.max(1));
    for tick in x.ticks() {
        let tx = x.at(tick);
        svg.line(tx, top - 6.0, tx, bottom, r##"stroke="#e3e3e3""##);
        svg.text(
            tx,
            bottom + 16.0,
            11.0,
            Anchor::Middle,
            &x.label(tick, currency),
        );
    }
    for (i, ((row, label), value)) in rows.iter().zip(&labels).zip(&value_texts).enumerate() {
        let index = u32::try_from(i).unwrap_or(u32::MAX);
        let cy = top + row_height * f64::from(index) + row_height / 2.0;
        svg.text(left - 8.0, cy + 4.0, 12.0, Anchor::End, label);
        let end = bar(&mut svg, &x, cy, row.total(), right);
        svg.text(end + 8.0, cy + 4.0, 11.0, Anchor::Start, value);
    }
    notes(&mut svg, 20.0, bottom + 44.0, &notes_text);
    Ok(svg.finish(options.title()))
}

/// One row's bar (its low bound) and error bar (up to the high bound, or a
/// dashed arrow when unbounded); returns where the drawing ends.
fn bar(svg: &mut Svg, x: &Scale, cy: f64, total: &Total, right: f64) -> f64 {
    let colour = PALETTE.first().copied().unwrap_or("#0072B2");
    let x0 = x.at(0.0);
    let x_low = x.at(to_f64(total.low()));
    // A total below zero runs left of the zero line.
    svg.rect(
        x0.min(x_low),
        cy - 9.0,
        (x_low - x0).abs(),
        18.0,
        &format!(r#"fill="{colour}""#),
    );
    let Some(high) = total.high() else {
        svg.line(
            x_low,
            cy,
            right,
            cy,
            r##"stroke="#222" stroke-dasharray="4 3""##,
        );
        let arrow = [
            (right - 7.0, cy - 4.0),
            (right, cy),
            (right - 7.0, cy + 4.0),
        ];
        svg.path(&arrow, false, r##"fill="none" stroke="#222""##);
        return right;
    };
    let x_high = x.at(to_f64(high));
    if x_high > x_low + 0.5 {
        let whisker = r##"stroke="#222" stroke-width="1.4""##;
        svg.line(x_low, cy, x_high, cy, whisker);
        svg.line(x_high, cy - 6.0, x_high, cy + 6.0, whisker);
        svg.line(x_low, cy - 6.0, x_low, cy + 6.0, whisker);
    }
    x_high.max(x_low).max(x0)
}
