//! SVG charts: snapshot tests (the expected files are under
//! tests/snapshots/; run with `UPDATE_SNAPSHOTS=1` to rewrite them after a
//! deliberate change, and look at the result), well-formedness, and the
//! refusals.
#![cfg(feature = "charts")]

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use coalition_ledger::io::charts::{self, ChartOptions, Layout};
use coalition_ledger::testing::Generator;
use coalition_ledger::*;
use common::*;

fn snapshot(name: &str, svg: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, svg).expect("snapshot written");
    }
    let expected = std::fs::read_to_string(&path).expect("snapshot present");
    assert_eq!(svg, expected, "chart {name} differs from its snapshot");
    well_formed(svg);
}

/// Every element's attributes are unique, tags balance, and the document
/// is one `<svg>` element (what an XML parser would refuse first).
fn well_formed(svg: &str) {
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.ends_with("</svg>\n"));
    for tag in svg.split('<').skip(1) {
        let Some(end) = tag.find('>') else {
            panic!("unclosed tag: {tag}");
        };
        let inside = tag.get(..end).unwrap_or("");
        let mut names = BTreeSet::new();
        for part in inside.split('"').step_by(2) {
            if let Some(name) = part
                .trim()
                .rsplit(' ')
                .next()
                .and_then(|p| p.strip_suffix('='))
            {
                assert!(
                    names.insert(name.to_string()),
                    "attribute {name} twice in <{inside}>"
                );
            }
        }
    }
    assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
}

fn generated() -> (Ledger, FxRates) {
    let generator = Generator::seeded(3).members(5).pledges(80);
    (generator.ledger().expect("generated"), generator.fx_rates())
}

#[test]
fn coverage_chart_snapshot() -> Result<()> {
    let paris = fixtures::paris_summit();
    let coverage = paris.query().coverage(&Target::personnel(25_000))?;
    let svg = charts::coverage(
        &coverage,
        &ChartOptions::new("Paris summit: 25,000-troop target"),
    );
    assert!(svg.contains(">target 25k</text>"));
    assert!(svg.contains("conditional: unspecified (1 pledge, 1 unspecified)"));
    assert!(svg.contains("no upper bound"));
    snapshot("coverage_paris.svg", &svg);

    let (ledger, fx) = generated();
    let target = Target::value(Money::parse("5000000000", Currency::EUR)?, &fx);
    let coverage = ledger
        .query()
        .leave_out_unconvertible(true)
        .coverage(&target)?;
    let svg = charts::coverage(&coverage, &ChartOptions::new("Generated: EUR 5bn target"));
    snapshot("coverage_generated.svg", &svg);
    Ok(())
}

#[test]
fn running_totals_chart_snapshots_lines_and_stacked_areas() -> Result<()> {
    let (ledger, fx) = generated();
    let running = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .leave_out_unconvertible(true)
        .group_by([Dimension::Kind])
        .running_totals(Interval::Year, d("2022-01-01"), d("2025-12-31"))?;
    let stacked = charts::running_totals(
        &running,
        Basis::Pledged,
        Layout::StackedAreas,
        &ChartOptions::new("Value pledged by kind"),
    )?;
    assert!(stacked.contains(">2025</text>"));
    snapshot("running_stacked.svg", &stacked);
    let lines = charts::running_totals(
        &running,
        Basis::Delivered,
        Layout::Lines,
        &ChartOptions::new("Value delivered by kind"),
    )?;
    snapshot("running_lines.svg", &lines);
    Ok(())
}

#[test]
fn table_bars_chart_snapshot_with_ranges_and_unbounded_rows() -> Result<()> {
    let mut ledger = roster();
    ledger.open_pledge(
        troops("FRA-1", "FRA", Estimate::range(2_000, 5_000)?),
        reported("2025-09-04"),
    )?;
    ledger.open_pledge(
        troops("GBR-1", "GBR", Estimate::Exact(3_000)),
        reported("2025-09-04"),
    )?;
    ledger.open_pledge(
        troops("DEU-1", "DEU", Estimate::AtLeast(1_000)),
        reported("2025-09-04"),
    )?;
    ledger.open_pledge(
        troops("USA-1", "USA", Estimate::Unspecified),
        reported("2025-09-04"),
    )?;
    let table = ledger
        .query()
        .measure(Measure::Personnel)
        .group_by([Dimension::Member])
        .run()?;
    let svg = charts::table_bars(&table, &ChartOptions::new("Troops by member <draft>"))?;
    // Escaped title, each row's range, the unbounded ones drawn to the edge.
    assert!(svg.contains("Troops by member &lt;draft&gt;"));
    assert!(svg.contains("2k–5k (1 pledge)"));
    assert!(svg.contains("≥ 1k (1 pledge)"));
    assert!(svg.contains("unspecified (1 pledge, 1 unspecified)"));
    snapshot("bars_troops.svg", &svg);
    Ok(())
}

#[test]
fn charts_are_deterministic_and_refuse_what_they_cannot_draw_honestly() -> Result<()> {
    let (ledger, fx) = generated();
    let query = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .leave_out_unconvertible(true);
    let by_group = query.clone().group_by([Dimension::Group]).running_totals(
        Interval::Year,
        d("2023-01-01"),
        d("2024-12-31"),
    )?;
    let options = ChartOptions::new("By group");
    // Groups overlap: stacking would count members twice.
    let err = charts::running_totals(&by_group, Basis::Pledged, Layout::StackedAreas, &options);
    if by_group.periods().any(|p| p.pledged().is_overlapping()) {
        assert!(err.is_err());
    }
    let a = charts::running_totals(&by_group, Basis::Pledged, Layout::Lines, &options)?;
    let b = charts::running_totals(&by_group, Basis::Pledged, Layout::Lines, &options)?;
    assert_eq!(a, b);
    well_formed(&a);
    // More than eight series: the smaller ones are drawn as "other".
    let many = Generator::seeded(4).members(12).pledges(120).ledger()?;
    let running = many.query().group_by([Dimension::Member]).running_totals(
        Interval::Year,
        d("2022-01-01"),
        d("2025-12-31"),
    )?;
    let svg = charts::running_totals(&running, Basis::Pledged, Layout::StackedAreas, &options)?;
    assert!(svg.contains("other (5)"), "{svg}");
    // Too many rows for bars is an error, not an unreadable chart.
    let big = Generator::seeded(5).members(70).pledges(400).ledger()?;
    let table = big.query().group_by([Dimension::Member]).run()?;
    let err = charts::table_bars(&table, &options).unwrap_err();
    assert!(matches!(err, Error::Limit { limit: 60, .. }), "{err}");
    Ok(())
}

#[test]
fn the_chart_in_the_docs_is_the_one_the_example_draws() -> Result<()> {
    let generator = Generator::seeded(7).members(10).pledges(400);
    let ledger = generator.ledger()?;
    let fx = generator.fx_rates();
    let running = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .leave_out_unconvertible(true)
        .group_by([Dimension::Kind])
        .running_totals(Interval::Quarter, d("2022-01-01"), d("2025-12-31"))?;
    let svg = charts::running_totals(
        &running,
        Basis::Delivered,
        Layout::Lines,
        &ChartOptions::new("Generated ledger: value delivered by kind"),
    )?;
    let docs = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/delivered_by_kind.svg"),
    )
    .expect("docs chart present");
    assert_eq!(svg, docs);
    Ok(())
}

/// Grouped by group, FRA and DEU are in EU and NATO: rows overlap.
fn overlapping_table() -> Result<Table> {
    let mut l = roster();
    l.open_pledge(
        troops("FRA-1", "FRA", Estimate::Exact(1_000)),
        reported("2025-09-04"),
    )?;
    l.open_pledge(
        troops("GBR-1", "GBR", Estimate::Exact(2_000)),
        reported("2025-09-04"),
    )?;
    l.query()
        .measure(Measure::Personnel)
        .group_by([Dimension::Group])
        .run()
}

/// A EUR table by member where DEU's total is below zero (an adjustment).
fn negative_table() -> Result<Table> {
    let mut l = roster();
    l.open_pledge(
        funding("FRA-1", "FRA", Estimate::Exact(eur("1000"))),
        reported("2025-09-04"),
    )?;
    let fix = pledged_adjustment("DEU", "-5000");
    l.open_pledge(fix, reported("2025-09-05"))?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    l.query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .group_by([Dimension::Member])
        .run()
}

/// The `note:` lines a printed table ends with.
fn table_notes(table: &Table) -> Vec<String> {
    table
        .to_string()
        .lines()
        .filter_map(|l| l.strip_prefix("note: ").map(str::to_string))
        .filter(|n| !n.starts_with("money is printed"))
        .collect()
}

/// README, "Charts": the charts "carry the answer's `note:` lines";
/// module docs: "Every chart writes what its answer left out as `note:`
/// lines, as tables do". A bar chart of overlapping group rows and one
/// of a total below zero drop the table's notes saying so.
#[test]
fn bar_charts_carry_the_tables_notes() -> Result<()> {
    for table in [overlapping_table()?, negative_table()?] {
        let notes = table_notes(&table);
        assert!(!notes.is_empty(), "{table}");
        let svg = charts::table_bars(&table, &ChartOptions::new("t"))?;
        for note in notes {
            assert!(
                svg.contains(&note),
                "the chart lacks the table's note `{note}`:\n{svg}"
            );
        }
    }
    Ok(())
}

/// A running-totals chart writes only the last period's notes: an entry
/// dated only to 2025 is left out of Q1–Q3 (pending period), and the
/// chart, whose first three points lack it, says nothing.
#[test]
fn running_chart_says_what_earlier_periods_left_out() -> Result<()> {
    let running = pending_running()?;
    let first = running.periods().next().expect("Q1");
    assert_eq!(first.pledged().left_out().pending_periods(), 1);
    let svg = charts::running_totals(
        &running,
        Basis::Pledged,
        Layout::Lines,
        &ChartOptions::new("r"),
    )?;
    assert!(
        svg.contains("dated to a month or year not yet ended"),
        "Q1–Q3 left an entry out and the chart does not say so:\n{svg}"
    );
    Ok(())
}

/// A category (or id) may hold U+FFFF, which XML 1.0 does not allow in a
/// document: the chart is then not well-formed (python's xml.etree:
/// "not well-formed (invalid token)").
#[test]
fn charts_are_well_formed_xml_for_any_accepted_category() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        equipment("FRA-e", "FRA", "tanks\u{FFFF}", Estimate::Exact(3), None),
        reported("2025-01-15"),
    )?;
    let table = l
        .query()
        .measure(Measure::Units)
        .group_by([Dimension::Category])
        .run()?;
    let svg = charts::table_bars(&table, &ChartOptions::new("t"))?;
    let not_xml = svg.chars().find(|c| matches!(c, '\u{FFFE}' | '\u{FFFF}'));
    assert_eq!(not_xml, None, "a character XML 1.0 refuses:\n{svg}");
    // It shows where it was, and a line break in a title is a space.
    assert!(svg.contains("tanks\u{FFFD}"), "{svg}");
    let titled = charts::table_bars(&table, &ChartOptions::new("two\nlines\u{7}"))?;
    assert!(titled.contains(">two lines\u{FFFD}</text>"), "{titled}");
    Ok(())
}

/// The coverage chart explains an unbounded high as "a size is
/// unspecified", also when every size is known and one is open-ended
/// ("at least 1,000"): the chart states something false.
#[test]
fn coverage_chart_does_not_call_an_open_ended_size_unspecified() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        troops("FRA-1", "FRA", Estimate::AtLeast(1_000)),
        reported("2025-01-15"),
    )?;
    let coverage = l.query().coverage(&Target::personnel(5_000))?;
    assert_eq!(coverage.likely().unspecified(), 0);
    let svg = charts::coverage(&coverage, &ChartOptions::new("c"));
    assert!(!svg.contains("a size is unspecified"), "{svg}");
    assert!(
        svg.contains("no upper bound (a size is open-ended: at least)"),
        "{svg}"
    );
    Ok(())
}

/// Labels round a lower bound to the nearest: `≥ 4,999` is labelled
/// `≥ 5k`, which claims more than the total (the printed table says
/// `≥ 4,999`; bounds round outward, README "Exact or an error").
#[test]
fn chart_labels_do_not_raise_a_lower_bound() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        troops("FRA-1", "FRA", Estimate::AtLeast(4_999)),
        reported("2025-09-04"),
    )?;
    let table = l
        .query()
        .measure(Measure::Personnel)
        .group_by([Dimension::Member])
        .run()?;
    assert!(table.to_string().contains("≥ 4,999"));
    let svg = charts::table_bars(&table, &ChartOptions::new("t"))?;
    assert!(
        !svg.contains("≥ 5k"),
        "a lower bound of 4,999 labelled `≥ 5k`:\n{svg}"
    );
    let coverage = l.query().coverage(&Target::personnel(10_000))?;
    let svg = charts::coverage(&coverage, &ChartOptions::new("c"));
    assert!(
        !svg.contains("≥ 5k"),
        "a lower bound of 4,999 labelled `≥ 5k`:\n{svg}"
    );
    Ok(())
}

/// Lines are allowed for overlapping rows (only stacking is refused),
/// but beyond eight series the rest are summed into "other": a member in
/// ten groups has its 100 troops counted once per merged group.
#[test]
fn other_series_does_not_count_overlapping_rows_twice() -> Result<()> {
    let mut l = Ledger::new();
    let mut fra = Member::new(mid("FRA"), "France");
    for g in 0..10 {
        fra = fra.with_group(gid(&format!("G{g}")));
    }
    l.add_member(fra)?;
    l.open_pledge(
        troops("FRA-1", "FRA", Estimate::Exact(100)),
        reported("2025-01-15"),
    )?;
    let running = l
        .query()
        .measure(Measure::Personnel)
        .group_by([Dimension::Group])
        .running_totals(Interval::Quarter, d("2025-01-01"), d("2025-06-30"))?;
    let last = running.periods().last().expect("Q2");
    assert_eq!(last.pledged().total().low(), dec("100"));
    let svg = charts::running_totals(
        &running,
        Basis::Pledged,
        Layout::Lines,
        &ChartOptions::new("r"),
    )?;
    // No series sums overlapping rows (an `other` of the last two groups
    // said 300 for one member's 100 troops); the chart says what it left
    // out instead.
    assert!(!svg.contains(">other ("), "{svg}");
    assert_eq!(svg.matches(">G").count(), 8, "{svg}");
    assert!(
        svg.contains("note: 2 more rows not drawn (members in several groups appear in each, so rows are not summed into one)"),
        "{svg}"
    );
    Ok(())
}

/// A total below zero is drawn as a bar of zero width on an axis that
/// starts at zero: the chart shows DEU's EUR -5,000 as nothing at all,
/// like a total of zero.
#[test]
fn a_negative_total_is_not_drawn_as_zero() -> Result<()> {
    let table = negative_table()?;
    let deu = table
        .row(&[Key::Member(mid("DEU"))])
        .map(|r| r.total().low());
    assert_eq!(deu, Some(dec("-5000")));
    let svg = charts::table_bars(&table, &ChartOptions::new("t"))?;
    // The bar is the first rect after DEU's label.
    let after_label = svg.split(">DEU</text>\n").nth(1).expect("DEU labelled");
    let bar = after_label.lines().next().expect("a bar");
    assert!(bar.starts_with("<rect"), "{bar}");
    assert!(
        !bar.contains(r#"width="0""#),
        "EUR -5,000 drawn as an empty bar: {bar}\n{svg}"
    );
    Ok(())
}

/// A running total below zero is drawn below the zero line, which is one
/// of the axis's ticks, not on it.
#[test]
fn a_running_total_below_zero_is_drawn_below_the_zero_line() -> Result<()> {
    let mut l = roster();
    let fix = pledged_adjustment("DEU", "-5000");
    l.open_pledge(fix, reported("2025-02-05"))?;
    l.open_pledge(
        funding("FRA-1", "FRA", Estimate::Exact(eur("1000"))),
        reported("2025-05-01"),
    )?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let running = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .running_totals(Interval::Quarter, d("2025-01-01"), d("2025-06-30"))?;
    let svg = charts::running_totals(
        &running,
        Basis::Pledged,
        Layout::Lines,
        &ChartOptions::new("r"),
    )?;
    // The zero tick's height, and the line's points (Q1 −5,000, Q2 −4,000).
    let zero_y: f64 = svg
        .lines()
        .find(|l| l.ends_with(">EUR 0</text>"))
        .and_then(|l| l.split("y=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .and_then(|y| y.parse().ok())
        .expect("a zero tick");
    let line = svg
        .lines()
        .find(|l| l.starts_with("<path d=\"M") && l.contains("fill=\"none\""))
        .expect("a line");
    let d = line
        .split("d=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a path");
    let ys: Vec<f64> = d
        .split(['M', 'L'])
        .filter_map(|p| p.trim().split(',').nth(1))
        .filter_map(|y| y.parse().ok())
        .collect();
    assert_eq!(ys.len(), 2, "{line}");
    // Below zero is further down the page (a larger y) than the zero tick's
    // label baseline, 4 px below its line.
    assert!(
        ys.iter().all(|&y| y > zero_y - 4.0),
        "{ys:?} vs {zero_y}\n{svg}"
    );
    Ok(())
}

/// The x positions of the axis ticks' labels and their texts.
fn tick_labels(svg: &str) -> Vec<String> {
    svg.lines()
        .filter(|l| l.starts_with("<text") && l.contains(">EUR ") && !l.contains("pledge"))
        .filter_map(|l| l.split('>').nth(1))
        .filter_map(|t| t.split('<').next())
        .map(str::to_string)
        .collect()
}

/// A low bound of EUR 4,999,999,999.99 ("at least") is labelled `≥ EUR
/// 5bn`: `hundredths` treats anything within 1e-6 hundredths of a whole
/// number as float noise, which at the bn scale is EUR 10 of real money.
#[test]
fn label_does_not_raise_a_low_bound_at_the_bn_scale() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        funding("FRA-1", "FRA", Estimate::AtLeast(eur("4999999999.99"))),
        reported("2025-09-04"),
    )?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let table = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .group_by([Dimension::Member])
        .run()?;
    let svg = charts::table_bars(&table, &ChartOptions::new("t"))?;
    assert!(
        !svg.contains("≥ EUR 5bn"),
        "a lower bound of EUR 4,999,999,999.99 labelled `≥ EUR 5bn`:\n{svg}"
    );
    Ok(())
}

/// The axis of a chart below and above zero has one step: ticks
/// -5k, -4k, ..., -1k, then 0, 200, 400, ... 1k (two steps, a fifth of
/// the grid spacing on one side) misread as a linear axis.
#[test]
fn an_axis_spanning_zero_has_one_tick_step() -> Result<()> {
    let table = negative_table()?;
    let svg = charts::table_bars(&table, &ChartOptions::new("t"))?;
    let labels = tick_labels(&svg);
    assert!(
        !(labels.iter().any(|l| l == "EUR -1k") && labels.iter().any(|l| l == "EUR 200")),
        "ticks with a step of 1k below zero and 200 above: {labels:?}\n{svg}"
    );
    Ok(())
}

/// The stacked-area chart of an (ungrouped) running total below zero
/// still draws it on the zero line: `bottom_value` is zero for stacked
/// areas, and the scale clamps EUR -5,000 to 0.
#[test]
fn a_stacked_total_below_zero_is_not_drawn_as_zero() -> Result<()> {
    let mut l = roster();
    let fix = pledged_adjustment("DEU", "-5000");
    l.open_pledge(fix, reported("2025-02-05"))?;
    l.open_pledge(
        funding("FRA-1", "FRA", Estimate::Exact(eur("1000"))),
        reported("2025-05-01"),
    )?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let running = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .running_totals(Interval::Quarter, d("2025-01-01"), d("2025-06-30"))?;
    let lines = charts::running_totals(
        &running,
        Basis::Pledged,
        Layout::Lines,
        &ChartOptions::new("r"),
    )?;
    let stacked = charts::running_totals(
        &running,
        Basis::Pledged,
        Layout::StackedAreas,
        &ChartOptions::new("r"),
    )?;
    assert!(
        stacked.contains(">EUR -"),
        "the stacked chart's axis stops at zero, so EUR -5,000 is drawn as 0:\n{stacked}\n---lines---\n{lines}"
    );
    Ok(())
}

/// A running total that is below zero in every period (EUR -5,000, then
/// -4,000): `Scale::spanning` takes the top of `ticks(0)`, 1, and draws
/// six ticks, `EUR 0` to `EUR 1`, on top of each other at the zero line.
#[test]
fn an_axis_of_totals_all_below_zero_has_no_crowded_ticks() -> Result<()> {
    let mut l = roster();
    let fix = pledged_adjustment("DEU", "-5000");
    l.open_pledge(fix, reported("2025-02-05"))?;
    l.open_pledge(
        funding("FRA-1", "FRA", Estimate::Exact(eur("1000"))),
        reported("2025-05-01"),
    )?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let running = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .running_totals(Interval::Quarter, d("2025-01-01"), d("2025-06-30"))?;
    let svg = charts::running_totals(
        &running,
        Basis::Pledged,
        Layout::Lines,
        &ChartOptions::new("r"),
    )?;
    assert!(
        !svg.contains(">EUR 0.2</text>"),
        "ticks 0.2..1 drawn over the zero tick on an axis of -5k..0:\n{svg}"
    );
    Ok(())
}

/// A pledged-basis adjustment takes the pledged (and outstanding) total
/// below zero; the chart of the *delivered* totals, none below zero,
/// says "1 total below zero": it carries the notes of every basis.
#[test]
fn a_running_chart_carries_only_its_basis_notes() -> Result<()> {
    let mut l = roster();
    let fix = pledged_adjustment("DEU", "-5000");
    l.open_pledge(fix, reported("2025-02-05"))?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let running = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .running_totals(Interval::Quarter, d("2025-01-01"), d("2025-06-30"))?;
    for p in running.periods() {
        assert!(p.delivered().total().low() >= Decimal::ZERO);
        assert!(!p.delivered().to_string().contains("below zero"));
    }
    let svg = charts::running_totals(
        &running,
        Basis::Delivered,
        Layout::Lines,
        &ChartOptions::new("r"),
    )?;
    assert!(
        !svg.contains("below zero"),
        "a chart of delivered totals, none below zero, notes a total below zero:\n{svg}"
    );
    Ok(())
}

/// A running-totals chart of overlapping group rows (lines are allowed)
/// draws each group's row, but `note_lines` drops the overlap note
/// ("rows add up to more than the total") that each period's table and
/// the bar chart of the same rows carry.
#[test]
fn a_running_chart_of_overlapping_rows_says_they_overlap() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        troops("FRA-1", "FRA", Estimate::Exact(1_000)),
        reported("2025-01-15"),
    )?;
    l.open_pledge(
        troops("GBR-1", "GBR", Estimate::Exact(2_000)),
        reported("2025-01-15"),
    )?;
    let query = l
        .query()
        .measure(Measure::Personnel)
        .group_by([Dimension::Group]);
    let table = query.run()?;
    assert!(table.is_overlapping(), "{table}");
    let bars = charts::table_bars(&table, &ChartOptions::new("t"))?;
    assert!(
        bars.contains("rows add up to more than the total"),
        "{bars}"
    );
    let running = query.running_totals(Interval::Quarter, d("2025-01-01"), d("2025-06-30"))?;
    let svg = charts::running_totals(
        &running,
        Basis::Pledged,
        Layout::Lines,
        &ChartOptions::new("r"),
    )?;
    assert!(
        svg.contains("rows add up to more than the total"),
        "overlapping rows drawn without the note:\n{svg}"
    );
    Ok(())
}

/// Stacked areas of a positive row (DEU, EUR 10,000) then a negative one
/// (FRA, EUR -6,000): the DEU area is drawn up to EUR 10,000, but the
/// axis is sized to the last sum of the stack (EUR 4,000), so the area is
/// clamped above the frame and no tick reaches EUR 10k.
#[test]
fn a_stack_whose_running_sum_peaks_before_its_end_is_on_the_axis() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        funding("DEU-1", "DEU", Estimate::Exact(eur("10000"))),
        reported("2025-02-05"),
    )?;
    let fix = pledged_adjustment("FRA", "-6000");
    l.open_pledge(fix, reported("2025-02-06"))?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let running = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .group_by([Dimension::Member])
        .running_totals(Interval::Quarter, d("2025-01-01"), d("2025-06-30"))?;
    let svg = charts::running_totals(
        &running,
        Basis::Pledged,
        Layout::StackedAreas,
        &ChartOptions::new("r"),
    )?;
    let labels = tick_labels(&svg);
    assert!(
        labels.iter().any(|l| l == "EUR 10k"),
        "a stacked area reaching EUR 10,000 on an axis whose ticks are {labels:?}:\n{svg}"
    );
    Ok(())
}

/// A low bound of EUR 9,999,999,999,999.99 ("at least") is labelled
/// `≥ EUR 10tn`: the float allowance of `hundredths` is 8 units of the
/// last place of the rounded number, and at the tn scale EUR 0.01 is
/// 1e-12 hundredths of a trillion, inside it: the low bound is rounded up.
#[test]
fn label_does_not_raise_a_low_bound_at_the_tn_scale() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        funding("FRA-1", "FRA", Estimate::AtLeast(eur("9999999999999.99"))),
        reported("2025-09-04"),
    )?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let table = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .group_by([Dimension::Member])
        .run()?;
    let svg = charts::table_bars(&table, &ChartOptions::new("t"))?;
    assert!(
        !svg.contains("≥ EUR 10tn"),
        "a lower bound of EUR 9,999,999,999,999.99 labelled `≥ EUR 10tn`:\n{svg}"
    );
    Ok(())
}

/// A high bound just above a whole number of trillions is labelled above
/// it, and a running chart's legend is rounded from the exact total too.
#[test]
fn labels_round_a_high_bound_up_at_the_tn_scale() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        funding(
            "FRA-1",
            "FRA",
            Estimate::range(eur("1000000000000"), eur("10000000000000.01"))?,
        ),
        reported("2025-01-15"),
    )?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let value = Measure::Value {
        currency: Currency::EUR,
        fx: &fx,
    };
    let table = l
        .query()
        .measure(value)
        .group_by([Dimension::Member])
        .run()?;
    let svg = charts::table_bars(&table, &ChartOptions::new("t"))?;
    assert!(svg.contains("EUR 1tn–10.01tn"), "{svg}");
    let running = l
        .query()
        .measure(value)
        .group_by([Dimension::Member])
        .running_totals(Interval::Quarter, d("2025-01-01"), d("2025-03-31"))?;
    let svg = charts::running_totals(
        &running,
        Basis::Pledged,
        Layout::Lines,
        &ChartOptions::new("r"),
    )?;
    assert!(svg.contains(">FRA EUR 1tn–10.01tn</text>"), "{svg}");
    Ok(())
}

/// Every note a chart writes lies inside the picture, however many there
/// are (the heights were set for what the answer left out alone).
#[test]
fn every_note_lies_inside_the_chart() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        funding("FRA-1", "FRA", Estimate::Exact(eur("1000"))),
        reported("2025-09-04"),
    )?;
    l.open_pledge(
        funding("GBR-1", "GBR", Estimate::Exact(eur("2000"))).with_condition(Condition::Ceasefire),
        reported("2025-09-04"),
    )?;
    l.open_pledge(pledged_adjustment("DEU", "-5000"), reported("2025-09-05"))?;
    l.open_pledge(
        funding("USA-1", "USA", Estimate::Exact(eur("500"))),
        Provenance::new(Evidence::Reported),
    )?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let no_ceasefire = Scenario::new().fails(Condition::Ceasefire);
    let table = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .scenario(&no_ceasefire)
        .as_of(d("2025-12-31"))
        .group_by([Dimension::Group])
        .run()?;
    // Rows overlap, totals are below zero, the scenario left one out and
    // `as_of` an undated one: four notes.
    let svg = charts::table_bars(&table, &ChartOptions::new("t"))?;
    let height: f64 = svg
        .split("height=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|h| h.parse().ok())
        .expect("a height");
    let note_ys: Vec<f64> = svg
        .lines()
        .filter(|l| l.contains(">note"))
        .filter_map(|l| l.split(" y=\"").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .filter_map(|y| y.parse().ok())
        .collect();
    assert!(note_ys.len() >= 4, "{svg}");
    assert!(
        note_ys.iter().all(|&y| y < height),
        "{note_ys:?} vs {height}\n{svg}"
    );
    Ok(())
}

/// A EUR 0.12 pledge's axis has ticks 0.025 apart: their labels are those
/// values (`EUR 0.025`), evenly spaced, not rounded to hundredths (`EUR
/// 0.03`, `EUR 0.05`, `EUR 0.08`).
#[test]
fn tick_labels_are_the_tick_values_below_one() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        funding("FRA-1", "FRA", Estimate::Exact(eur("0.12"))),
        reported("2025-09-04"),
    )?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let table = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .group_by([Dimension::Member])
        .run()?;
    let svg = charts::table_bars(&table, &ChartOptions::new("t"))?;
    // Axis labels: middle-anchored `EUR x` texts.
    let ticks: Vec<f64> = svg
        .lines()
        .filter(|l| l.starts_with("<text") && l.contains(r#"text-anchor="middle""#))
        .filter_map(|l| l.split_once(">EUR ").map(|(_, rest)| rest))
        .filter_map(|t| t.strip_suffix("</text>"))
        .filter_map(|t| t.parse().ok())
        .collect();
    assert!(ticks.len() >= 3, "{svg}");
    let steps: Vec<f64> = ticks.windows(2).map(|w| w[1] - w[0]).collect();
    let first = steps[0];
    assert!(
        steps.iter().all(|s| (s - first).abs() < 1e-9),
        "tick labels {ticks:?} are unevenly spaced: they are not the ticks' values\n{svg}"
    );
    Ok(())
}

/// A running-totals chart grouped by member draws a line per member and no
/// grand total: its below-zero note counts the lines it draws (GBR's, in
/// each quarter), not the undrawn grand totals too ("2 totals below zero").
#[test]
fn a_running_chart_counts_only_the_totals_it_draws_below_zero() -> Result<()> {
    let mut ledger = roster();
    ledger.open_pledge(
        funding("FRA-1", "FRA", Estimate::Exact(eur("50"))),
        reported("2025-02-01"),
    )?;
    ledger.open_pledge(pledged_adjustment("GBR", "-100"), reported("2025-02-01"))?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let running = ledger
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .group_by([Dimension::Member])
        .running_totals(Interval::Quarter, d("2025-01-01"), d("2025-06-30"))?;
    let last = running.periods().last().expect("two quarters");
    assert!(last.pledged().total().low() < Decimal::ZERO);
    let svg = charts::running_totals(
        &running,
        Basis::Pledged,
        Layout::Lines,
        &ChartOptions::new("t"),
    )?;
    let below: Vec<&str> = svg.lines().filter(|l| l.contains("below zero")).collect();
    assert_eq!(below.len(), 1, "{svg}");
    assert!(
        below
            .iter()
            .all(|l| l.contains(">note: 1 total below zero: ")),
        "{below:?}"
    );
    Ok(())
}

/// A running-totals chart's axis labels start inside the picture however
/// many digits a tick needs: labels like `EUR -0.00025` were anchored 64 px
/// from the left edge, longer than that, and cut off.
#[test]
fn running_chart_axis_labels_lie_inside_the_picture() -> Result<()> {
    let mut l = roster();
    l.open_pledge(
        funding("FRA-1", "FRA", Estimate::Exact(eur("0.0011"))),
        reported("2025-02-01"),
    )?;
    l.open_pledge(pledged_adjustment("GBR", "-0.0007"), reported("2025-02-01"))?;
    let fx = FxRates::new(Currency::EUR, RatePolicy::OnDate);
    let running = l
        .query()
        .measure(Measure::Value {
            currency: Currency::EUR,
            fx: &fx,
        })
        .group_by([Dimension::Member])
        .running_totals(Interval::Quarter, d("2025-01-01"), d("2025-06-30"))?;
    let svg = charts::running_totals(
        &running,
        Basis::Pledged,
        Layout::Lines,
        &ChartOptions::new("t"),
    )?;
    for line in svg
        .lines()
        .filter(|l| l.starts_with("<text") && l.contains(r#"text-anchor="end""#))
    {
        let x: f64 = line
            .split(" x=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|x| x.parse().ok())
            .expect("an x");
        let size: f64 = line
            .split(" font-size=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|x| x.parse().ok())
            .expect("a size");
        let text = line
            .split_once('>')
            .and_then(|(_, r)| r.strip_suffix("</text>"))
            .expect("a text");
        let width = text.chars().count() as f64 * size * 0.58;
        assert!(
            x - width >= 0.0,
            "axis label `{text}` ({width:.0} px wide, ending at x = {x}) starts left of the picture"
        );
    }
    Ok(())
}
