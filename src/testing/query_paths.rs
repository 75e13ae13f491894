//! The query engine's paths agree on generated ledgers.
//!
//! The checks live in `query`, next to the internals they compare; only the
//! tests are here, because their ledgers come from the [`Generator`], which
//! sits a layer above `query` and so may not be imported by it.

use super::Generator;
use crate::query::{
    check_column_built_aside, check_fast_and_exact_agree, check_halves_merged,
    check_pieces_are_one_pass,
};

#[test]
fn halves_merged_are_the_whole() {
    let generator = Generator::seeded(11).pledges(3_000).members(7);
    let ledger = generator.ledger().expect("valid");
    check_halves_merged(&ledger, &generator.fx_rates());
}

#[test]
fn fast_and_exact_paths_agree() {
    for seed in 0..6 {
        let generator = Generator::seeded(seed).pledges(3_000).members(25);
        let ledger = generator.ledger().expect("valid");
        check_fast_and_exact_agree(&ledger, &generator.fx_rates(), seed);
    }
}

#[test]
fn a_column_built_aside_is_the_column() {
    let generator = Generator::seeded(3).pledges(2_000).members(9);
    let ledger = generator.ledger().expect("valid");
    check_column_built_aside(&ledger, &generator.fx_rates());
}

#[test]
fn a_column_built_in_pieces_is_the_column_of_one_pass() {
    for seed in [1, 4] {
        let generator = Generator::seeded(seed).pledges(3_000).members(9);
        let ledger = generator.ledger().expect("valid");
        check_pieces_are_one_pass(&ledger, &generator.fx_rates());
    }
}
