//! [`SharedParsing`]: chunks of input that either of two threads parses,
//! handed in order to the one that records them.
//!
//! An import on two threads, one reading and parsing, the other recording,
//! takes as long as the busier of the two, and which one that is depends on
//! the input and on what else the machine runs. So the reader parses each
//! chunk as it reads it (the rows are still in cache) unless the recorder
//! has had to wait for rows since the reader last looked: then the reader
//! hands over the next chunk unparsed, and the recorder parses it. Chunks
//! are handed over and taken in the order they were read, whoever parses
//! them, so the ledger and the errors are the ones a single thread gives.
//!
//! Every wait ends: each side marks itself gone when it stops, even by
//! panicking, and the other side stops waiting for it.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// Chunks read by one thread, parsed by either, recorded in reading order
/// by the other; at most `limit` are waiting at a time.
pub(crate) struct SharedParsing<Raw, Parsed> {
    state: Mutex<State<Raw, Parsed>>,
    changed: Condvar,
    limit: usize,
    handing: Handing,
}

/// Which chunks the reader hands over unparsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Handing {
    /// One each time the recorder has waited for rows: how an import runs.
    WhenStarved,
    /// Every other chunk, whatever the timing, so that a test sees both
    /// threads parse, at places it can tell in advance.
    #[cfg(test)]
    EveryOther,
}

struct State<Raw, Parsed> {
    /// Handed over and not yet taken by the recorder, in reading order.
    waiting: VecDeque<Chunk<Raw, Parsed>>,
    /// Emptied inputs, for the reader to fill again.
    spare: Vec<Raw>,
    /// The recorder has waited for rows since the reader last looked.
    starved: bool,
    /// Chunks the reader has been told to read.
    told: u64,
    /// The reader stopped: no chunk comes after those waiting.
    reader_gone: bool,
    /// The recorder stopped: nothing read from now on is used.
    recorder_gone: bool,
}

/// A chunk as the reader hands it over.
enum Chunk<Raw, Parsed> {
    Unparsed(Raw),
    Parsed(Parsed),
}

/// What the reader does next.
pub(crate) enum ReaderStep<Raw> {
    /// Read a chunk and parse it ([`ReaderGuard::parsed`]).
    ReadAndParse,
    /// Read a chunk (into this emptied one, if there is one) for the
    /// recorder to parse ([`ReaderGuard::unparsed`]).
    ReadForRecorder(Option<Raw>),
    /// The recorder has stopped.
    Stop,
}

/// What the recorder does next.
pub(crate) enum RecorderStep<Raw, Parsed> {
    /// Record this chunk, the next in reading order.
    Record(Parsed),
    /// Parse this chunk, the next in reading order, give its input back
    /// ([`SharedParsing::give_back`]) and record it.
    Parse(Raw),
    /// Every chunk read is taken, and the reader has stopped.
    Stop,
}

impl<Raw, Parsed> SharedParsing<Raw, Parsed> {
    /// Sharing with room for `limit` chunks waiting (at least one),
    /// handing chunks over unparsed as `handing` says.
    pub(crate) fn new(limit: usize, handing: Handing) -> SharedParsing<Raw, Parsed> {
        SharedParsing {
            state: Mutex::new(State {
                waiting: VecDeque::new(),
                spare: Vec::new(),
                starved: false,
                told: 0,
                reader_gone: false,
                recorder_gone: false,
            }),
            changed: Condvar::new(),
            limit: limit.max(1),
            handing,
        }
    }

    /// The state, whether or not a thread panicked holding it: every change
    /// to it is complete before the lock is let go, and the side that
    /// panicked is marked gone by its guard.
    fn lock(&self) -> MutexGuard<'_, State<Raw, Parsed>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(
        &self,
        state: MutexGuard<'a, State<Raw, Parsed>>,
    ) -> MutexGuard<'a, State<Raw, Parsed>> {
        self.changed
            .wait(state)
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The reader's next step, when there is more to read. Waits while
    /// `limit` chunks are waiting for the recorder.
    pub(crate) fn reader_step(&self) -> ReaderStep<Raw> {
        let mut state = self.lock();
        loop {
            if state.recorder_gone {
                return ReaderStep::Stop;
            }
            if state.waiting.len() < self.limit {
                let starved = std::mem::take(&mut state.starved);
                let told = state.told;
                state.told = told.saturating_add(1);
                let hand_over = match self.handing {
                    Handing::WhenStarved => starved,
                    #[cfg(test)]
                    Handing::EveryOther => told % 2 == 1,
                };
                if hand_over {
                    return ReaderStep::ReadForRecorder(state.spare.pop());
                }
                return ReaderStep::ReadAndParse;
            }
            state = self.wait(state);
        }
    }

    fn hand_over(&self, chunk: Chunk<Raw, Parsed>) {
        self.lock().waiting.push_back(chunk);
        self.changed.notify_all();
    }

    /// Gives back the emptied input of a chunk the recorder parsed.
    pub(crate) fn give_back(&self, emptied: Raw) {
        let mut state = self.lock();
        if state.spare.len() < self.limit {
            state.spare.push(emptied);
        }
    }

    /// The recorder's next step. Waits, and says so to the reader, while
    /// the next chunk is being read or parsed.
    pub(crate) fn recorder_step(&self) -> RecorderStep<Raw, Parsed> {
        let mut state = self.lock();
        loop {
            if let Some(chunk) = state.waiting.pop_front() {
                drop(state);
                // The reader may be waiting for room.
                self.changed.notify_all();
                return match chunk {
                    Chunk::Parsed(parsed) => RecorderStep::Record(parsed),
                    Chunk::Unparsed(raw) => RecorderStep::Parse(raw),
                };
            }
            if state.reader_gone {
                return RecorderStep::Stop;
            }
            state.starved = true;
            state = self.wait(state);
        }
    }

    /// Marks the reader as gone when dropped (after reading through, or
    /// while unwinding from a panic): the recorder takes what is waiting
    /// and stops, where it would otherwise wait for a chunk that will
    /// never come.
    pub(crate) fn reader_guard(&self) -> ReaderGuard<'_, Raw, Parsed> {
        ReaderGuard { sharing: self }
    }

    /// Marks the recorder as gone when dropped: the reader stops.
    pub(crate) fn recorder_guard(&self) -> RecorderGuard<'_, Raw, Parsed> {
        RecorderGuard { sharing: self }
    }
}

/// See [`SharedParsing::reader_guard`]; hands chunks over.
pub(crate) struct ReaderGuard<'a, Raw, Parsed> {
    sharing: &'a SharedParsing<Raw, Parsed>,
}

impl<Raw, Parsed> ReaderGuard<'_, Raw, Parsed> {
    /// Hands over the next chunk, read and parsed.
    pub(crate) fn parsed(&mut self, parsed: Parsed) {
        self.sharing.hand_over(Chunk::Parsed(parsed));
    }

    /// Hands over the next chunk, read for the recorder to parse.
    pub(crate) fn unparsed(&mut self, raw: Raw) {
        self.sharing.hand_over(Chunk::Unparsed(raw));
    }
}

impl<Raw, Parsed> Drop for ReaderGuard<'_, Raw, Parsed> {
    fn drop(&mut self) {
        self.sharing.lock().reader_gone = true;
        self.sharing.changed.notify_all();
    }
}

/// See [`SharedParsing::recorder_guard`].
pub(crate) struct RecorderGuard<'a, Raw, Parsed> {
    sharing: &'a SharedParsing<Raw, Parsed>,
}

impl<Raw, Parsed> Drop for RecorderGuard<'_, Raw, Parsed> {
    fn drop(&mut self) {
        self.sharing.lock().recorder_gone = true;
        self.sharing.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a reader of `chunks` chunks (chunk `i` is `[i]`; parsing
    /// doubles it) against a recorder, and returns what was recorded and
    /// which side parsed each chunk.
    fn run(chunks: u64, handing: Handing) -> Vec<(u64, &'static str)> {
        let sharing = SharedParsing::<Vec<u64>, (u64, &'static str)>::new(3, handing);
        std::thread::scope(|scope| {
            let recorder = scope.spawn(|| {
                let _gone = sharing.recorder_guard();
                let mut recorded = Vec::new();
                loop {
                    match sharing.recorder_step() {
                        RecorderStep::Record(parsed) => recorded.push(parsed),
                        RecorderStep::Parse(mut raw) => {
                            let parsed = raw
                                .pop()
                                .map_or((u64::MAX, "none"), |i| (i * 2, "recorder"));
                            sharing.give_back(raw);
                            recorded.push(parsed);
                        }
                        RecorderStep::Stop => return recorded,
                    }
                }
            });
            let mut reader = sharing.reader_guard();
            for i in 0..chunks {
                match sharing.reader_step() {
                    ReaderStep::ReadAndParse => reader.parsed((i * 2, "reader")),
                    ReaderStep::ReadForRecorder(spare) => {
                        let mut raw = spare.unwrap_or_default();
                        raw.clear();
                        raw.push(i);
                        reader.unparsed(raw);
                    }
                    ReaderStep::Stop => break,
                }
            }
            drop(reader);
            recorder.join().unwrap_or_default()
        })
    }

    #[test]
    fn every_chunk_is_recorded_once_in_order_whoever_parses_it() {
        for handing in [Handing::WhenStarved, Handing::EveryOther] {
            let recorded = run(50, handing);
            let values: Vec<u64> = recorded.iter().map(|(v, _)| *v).collect();
            assert_eq!(
                values,
                (0..50).map(|i| i * 2).collect::<Vec<_>>(),
                "{handing:?}"
            );
        }
        // Every other chunk is the recorder's, at the places it says.
        let recorded = run(6, Handing::EveryOther);
        let sides: Vec<&str> = recorded.iter().map(|(_, side)| *side).collect();
        assert_eq!(
            sides,
            [
                "reader", "recorder", "reader", "recorder", "reader", "recorder"
            ]
        );
    }

    #[test]
    fn a_side_that_panics_does_not_leave_the_other_waiting() {
        // The reader panics after two chunks: the recorder takes them and
        // stops instead of waiting for a third.
        let sharing = SharedParsing::<(), u64>::new(2, Handing::WhenStarved);
        let recorded = std::thread::scope(|scope| {
            let recorder = scope.spawn(|| {
                let _gone = sharing.recorder_guard();
                let mut recorded = Vec::new();
                while let RecorderStep::Record(parsed) = sharing.recorder_step() {
                    recorded.push(parsed);
                }
                recorded
            });
            let reading = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut reader = sharing.reader_guard();
                reader.parsed(0);
                reader.parsed(1);
                panic!("the reader fails");
            }));
            assert!(reading.is_err());
            recorder.join().unwrap_or_default()
        });
        assert_eq!(recorded, [0, 1]);

        // The recorder panics: the reader, waiting for room, stops.
        let sharing = SharedParsing::<(), u64>::new(1, Handing::WhenStarved);
        std::thread::scope(|scope| {
            let recorder = scope.spawn(|| {
                let _gone = sharing.recorder_guard();
                let _ = sharing.recorder_step();
                panic!("the recorder fails");
            });
            let mut reader = sharing.reader_guard();
            let mut steps = 0;
            while let ReaderStep::ReadAndParse | ReaderStep::ReadForRecorder(_) =
                sharing.reader_step()
            {
                reader.parsed(steps);
                steps += 1;
            }
            drop(reader);
            assert!(recorder.join().is_err());
        });
    }
}
