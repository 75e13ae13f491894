//! What a query holds on the caller's thread while it runs, against what
//! the ledger it reads holds: counted by an allocator that tracks this
//! thread's live bytes (other tests' threads do not count).

use coalition_ledger::prelude::*;
use coalition_ledger::testing::Generator;

/// Bytes allocated and not yet freed by this thread, and the most at once
/// since the last reset.
mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    thread_local! {
        static NOW: Cell<isize> = const { Cell::new(0) };
        static PEAK: Cell<isize> = const { Cell::new(0) };
    }

    pub struct Counting;

    fn add(delta: isize) {
        let _ = NOW.try_with(|now| {
            let n = now.get() + delta;
            now.set(n);
            let _ = PEAK.try_with(|peak| {
                if n > peak.get() {
                    peak.set(n);
                }
            });
        });
    }

    // SAFETY: every call is passed on to the system allocator unchanged;
    // the counting only reads the layouts.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            add(layout.size() as isize);
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            add(-(layout.size() as isize));
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
            add(new as isize - layout.size() as isize);
            unsafe { System.realloc(ptr, layout, new) }
        }
    }

    /// The bytes live now; the peak starts again from here.
    pub fn reset() -> isize {
        let now = NOW.with(Cell::get);
        PEAK.with(|p| p.set(now));
        now
    }

    /// The most bytes live at once since the last reset.
    pub fn peak() -> isize {
        PEAK.with(Cell::get)
    }
}

#[global_allocator]
static COUNTING: counting::Counting = counting::Counting;

fn day(text: &str) -> NaiveDate {
    parse_date(text).expect("a date")
}

/// Running totals replay the ledger in date order, one entry at a time.
/// They kept a copy of every entry for the pass (each opening's body
/// too), and peaked at 2.7 times the ledger's own bytes; they keep
/// sequence numbers, and make each entry when they apply it.
#[test]
fn running_totals_keep_no_copy_of_every_entry() {
    let start = counting::reset();
    let ledger = Generator::seeded(7)
        .members(10)
        .sources(5)
        .pledges(3_000)
        .ledger()
        .expect("generated");
    let ledger_bytes = counting::reset() - start;
    let before = counting::reset();
    let running = ledger
        .query()
        .measure(Measure::Personnel)
        .running_totals(Interval::Quarter, day("2020-01-01"), day("2030-12-31"))
        .expect("runs");
    let peak = counting::peak() - before;
    assert!(running.periods().len() > 40);
    assert!(
        peak < 2 * ledger_bytes,
        "running totals peaked at {peak} B over a ledger of {ledger_bytes} B"
    );
}
