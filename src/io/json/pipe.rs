//! Where the parse of a document hands what it reads: straight to the
//! loader, or, for a long document, to the loader running on a second
//! thread, so that parsing the text and recording the entries overlap.
//!
//! The loader takes the events in document order either way and stops at
//! its first error, and the parse reports its own error only when the
//! loader found none before it: the ledger and the error are the ones a
//! single thread gives. For a document read from a string, the text's
//! shape is checked by whichever thread would otherwise wait (the loader
//! with no batch to take, the parse with the queue full), and by the caller
//! at the end; a shape error wins over every other, as when the check ran
//! before the parse.

use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::sync::{Mutex, PoisonError};
use std::thread::{Scope, ScopedJoinHandle};

use super::shape::{Shape, check_shape};
use super::{Event, Loader};
use crate::error::{Error, Result};

/// Events read before a second thread is worth starting: a short document
/// loads on the caller's thread alone.
pub(super) const PIPE_AFTER: usize = 2048;
/// A text shorter than this loads on the caller's thread alone.
pub(super) const PIPE_BYTES: usize = 1 << 19;
/// Events handed over at a time, so that the hand-over costs little per
/// entry.
const BATCH: usize = 256;
/// Batches waiting for the loader at most, so that a parse running ahead
/// holds a few records, not the document.
const QUEUE: usize = 8;
/// Bytes of text a waiting thread checks at a time.
const SHAPE_STEP: usize = 1 << 16;

/// The shape check of a text, a step at a time, shared by the two threads.
pub(super) struct ShapeWork<'text> {
    shape: Shape,
    unchecked: &'text [u8],
    checked: Result<()>,
}

impl<'text> ShapeWork<'text> {
    pub(super) fn new(text: &'text str) -> Mutex<ShapeWork<'text>> {
        Mutex::new(ShapeWork {
            shape: Shape::default(),
            unchecked: text.as_bytes(),
            checked: Ok(()),
        })
    }
}

/// What a thread found when it turned to the shape check.
enum Step {
    /// It checked a step.
    Done,
    /// The other thread is at it.
    Busy,
    /// Nothing is left to do: the text is checked through, or failed.
    Over,
}

/// Checks one more step of the text, if no other thread is at it.
fn shape_step(work: &Mutex<ShapeWork<'_>>) -> Step {
    let Ok(mut work) = work.try_lock() else {
        return Step::Busy;
    };
    if work.checked.is_err() || work.unchecked.is_empty() {
        return Step::Over;
    }
    let (step, rest) = work
        .unchecked
        .split_at_checked(SHAPE_STEP)
        .unwrap_or((work.unchecked, &[]));
    work.unchecked = rest;
    work.checked = work.shape.feed(step);
    Step::Done
}

/// Checks the rest of the text, and gives the verdict.
fn shape_verdict(work: &Mutex<ShapeWork<'_>>) -> Result<()> {
    let mut work = work.lock().unwrap_or_else(PoisonError::into_inner);
    if work.checked.is_ok() {
        let rest = std::mem::take(&mut work.unchecked);
        work.checked = work.shape.feed(rest);
    }
    work.checked.clone()
}

/// Whether the shape check has failed, which stops both threads.
fn shape_failed(work: &Mutex<ShapeWork<'_>>) -> bool {
    work.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .checked
        .is_err()
}

/// Where events go.
pub(super) struct Sink<'scope, 'env> {
    to: To<'scope>,
    /// Where a second thread may start, if one may.
    scope: Option<&'scope Scope<'scope, 'env>>,
    /// The shape check shared by the threads, for a text held whole.
    shape: Option<&'env Mutex<ShapeWork<'env>>>,
}

enum To<'scope> {
    /// The loader on this thread; `events` counts them until a second
    /// thread is worth starting.
    Here { loader: Box<Loader>, events: usize },
    /// The loader on its own thread, a batch at a time.
    Thread {
        batch: Vec<Event>,
        send: SyncSender<Vec<Event>>,
        loader: ScopedJoinHandle<'scope, Loader>,
    },
}

/// The message of the parse error that stops the parse once the loader has
/// stopped; the loader's own error is the one reported.
const STOPPED: &str = "the load stopped at an earlier entry";

impl<'scope, 'env> Sink<'scope, 'env> {
    /// A sink for a document read a piece at a time; with a `scope`, the
    /// loader moves to a thread of its own once the document proves long.
    pub(super) fn new(scope: Option<&'scope Scope<'scope, 'env>>) -> Self {
        Sink {
            to: To::Here {
                loader: Box::default(),
                events: 0,
            },
            scope,
            shape: None,
        }
    }

    /// A sink for a document held whole in `text`: a long one loads on two
    /// threads from the start, the second also checking the text's shape;
    /// otherwise the shape is checked here, before the parse.
    ///
    /// # Errors
    ///
    /// The shape check's, when it runs here.
    pub(super) fn for_text(
        scope: &'scope Scope<'scope, 'env>,
        text: &'env str,
        shape: &'env Mutex<ShapeWork<'env>>,
    ) -> Result<Self> {
        let mut sink = Sink::new(None);
        if text.len() >= PIPE_BYTES && sink.start_thread(scope, Some(shape)) {
            sink.shape = Some(shape);
            return Ok(sink);
        }
        check_shape(text)?;
        Ok(sink)
    }

    /// Hands one event on; an error (its message) stops the parse.
    pub(super) fn send(&mut self, event: Event) -> std::result::Result<(), String> {
        match &mut self.to {
            To::Here { loader, events } => {
                if let Err(error) = loader.apply(event) {
                    let message = error.to_string();
                    loader.failure = Some(error);
                    return Err(message);
                }
                *events = events.saturating_add(1);
                if *events >= PIPE_AFTER {
                    if let Some(scope) = self.scope.take() {
                        self.start_thread(scope, None);
                    }
                }
                Ok(())
            }
            To::Thread { batch, send, .. } => {
                batch.push(event);
                if batch.len() >= BATCH {
                    let mut full = std::mem::replace(batch, Vec::with_capacity(BATCH));
                    // With the queue full, check the shape meanwhile.
                    while let Some(shape) = self.shape {
                        match send.try_send(full) {
                            Ok(()) => return Ok(()),
                            Err(TrySendError::Full(back)) => full = back,
                            Err(TrySendError::Disconnected(_)) => return Err(STOPPED.into()),
                        }
                        match shape_step(shape) {
                            Step::Done => {}
                            Step::Busy => break,
                            Step::Over if shape_failed(shape) => return Err(STOPPED.into()),
                            Step::Over => self.shape = None,
                        }
                    }
                    // The loader only hangs up once it has stopped at an error.
                    send.send(full).map_err(|_| STOPPED.to_string())?;
                }
                Ok(())
            }
        }
    }

    /// Moves the loader to a thread of its own, which also checks the
    /// `shape` of a text while it waits; false when the system refused the
    /// thread, and loading goes on here.
    fn start_thread(
        &mut self,
        scope: &'scope Scope<'scope, 'env>,
        shape: Option<&'env Mutex<ShapeWork<'env>>>,
    ) -> bool {
        let To::Here { loader, .. } = &mut self.to else {
            return true;
        };
        // The loader travels once the thread runs, so that it stays here
        // if the thread cannot be started.
        let (hand_over, take_over) = sync_channel::<Box<Loader>>(1);
        let (send, receive) = sync_channel::<Vec<Event>>(QUEUE);
        let started = std::thread::Builder::new()
            .name("json-load".into())
            .spawn_scoped(scope, move || {
                let Ok(loader) = take_over.recv() else {
                    return Loader {
                        failure: Some(Error::internal("the hand-over of a JSON loader")),
                        ..Loader::default()
                    };
                };
                record(*loader, &receive, shape)
            });
        let Ok(handle) = started else { return false };
        let moved = std::mem::take(loader);
        if let Err(refused) = hand_over.send(moved) {
            // The thread ended before taking it: go on here.
            *loader = refused.0;
            return false;
        }
        self.to = To::Thread {
            batch: Vec::with_capacity(BATCH),
            send,
            loader: handle,
        };
        true
    }

    /// The loader, once it has taken every event handed on; a shape error
    /// of the text instead, if there is one.
    pub(super) fn finish(self) -> Result<Loader> {
        match self.to {
            To::Here { loader, .. } => Ok(*loader),
            To::Thread {
                batch,
                send,
                loader,
            } => {
                // A refused batch means the loader stopped at an error, which
                // it reports.
                let _ = send.send(batch);
                drop(send);
                let loader = loader.join().map_err(|_| {
                    Error::internal("the thread recording a JSON document's entries")
                })?;
                if let Some(shape) = self.shape {
                    shape_verdict(shape)?;
                }
                Ok(loader)
            }
        }
    }
}

/// The loader's thread: takes every event in order and stops at the first
/// error, hanging up, which stops the parse. While no batch waits it checks
/// the `shape` of the text.
fn record(
    mut loader: Loader,
    events: &Receiver<Vec<Event>>,
    mut shape: Option<&Mutex<ShapeWork<'_>>>,
) -> Loader {
    loop {
        let batch = match shape {
            None => events.recv().ok(),
            Some(work) => match events.try_recv() {
                Ok(batch) => Some(batch),
                Err(TryRecvError::Disconnected) => None,
                Err(TryRecvError::Empty) => match shape_step(work) {
                    Step::Done => continue,
                    // The parse is at it, so a batch is on its way.
                    Step::Busy => events.recv().ok(),
                    // The shape error is the one reported.
                    Step::Over if shape_failed(work) => return loader,
                    Step::Over => {
                        shape = None;
                        continue;
                    }
                },
            },
        };
        let Some(batch) = batch else { return loader };
        loader.warm(&batch);
        for event in batch {
            if let Err(error) = loader.apply(event) {
                loader.failure = Some(error);
                return loader;
            }
        }
    }
}
