//! Where the parse of a document hands what it reads: straight to the
//! loader, or, for a long document, to the loader running on a second
//! thread, so that parsing the text and recording the entries overlap.
//!
//! The loader takes the events in document order either way and stops at
//! its first error, and the parse reports its own error only when the
//! loader found none before it: the ledger and the error are the ones a
//! single thread gives. For a document read from a string, the second
//! thread also checks the text's shape, between batches; a shape error
//! wins over every other, as when the check ran before the parse.

use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
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
/// Bytes of text the loader's thread checks while no batch waits.
const SHAPE_STEP: usize = 1 << 16;

/// What the loader's thread gives back.
pub(super) struct Loaded {
    pub(super) loader: Loader,
    /// The shape check of the text, when this thread ran it.
    pub(super) shape: Result<()>,
}

/// Where events go.
pub(super) struct Sink<'scope, 'env> {
    to: To<'scope>,
    /// Where a second thread may start, if one may.
    scope: Option<&'scope Scope<'scope, 'env>>,
}

enum To<'scope> {
    /// The loader on this thread; `events` counts them until a second
    /// thread is worth starting.
    Here { loader: Box<Loader>, events: usize },
    /// The loader on its own thread, a batch at a time.
    Thread {
        batch: Vec<Event>,
        send: SyncSender<Vec<Event>>,
        loader: ScopedJoinHandle<'scope, Loaded>,
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
        }
    }

    /// A sink for a document held whole in `text`: a long one loads on two
    /// threads from the start, the second also checking the text's shape;
    /// otherwise the shape is checked here, before the parse.
    ///
    /// # Errors
    ///
    /// The shape check's, when it runs here.
    pub(super) fn for_text(scope: &'scope Scope<'scope, 'env>, text: &'env str) -> Result<Self> {
        let mut sink = Sink::new(None);
        if text.len() >= PIPE_BYTES && sink.start_thread(scope, text.as_bytes()) {
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
                        self.start_thread(scope, &[]);
                    }
                }
                Ok(())
            }
            To::Thread { batch, send, .. } => {
                batch.push(event);
                if batch.len() >= BATCH {
                    let full = std::mem::replace(batch, Vec::with_capacity(BATCH));
                    // The loader only hangs up once it has stopped at an error.
                    send.send(full).map_err(|_| STOPPED.to_string())?;
                }
                Ok(())
            }
        }
    }

    /// Moves the loader to a thread of its own, which also checks the
    /// shape of `text`; false when the system refused the thread, and
    /// loading goes on here.
    fn start_thread(&mut self, scope: &'scope Scope<'scope, 'env>, text: &'env [u8]) -> bool {
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
                    return Loaded {
                        loader: Loader::default(),
                        shape: Err(Error::internal("the hand-over of a JSON loader")),
                    };
                };
                record(*loader, receive, text)
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

    /// The loader, once it has taken every event handed on, and the shape
    /// check if its thread ran it.
    pub(super) fn finish(self) -> Result<Loaded> {
        match self.to {
            To::Here { loader, .. } => Ok(Loaded {
                loader: *loader,
                shape: Ok(()),
            }),
            To::Thread {
                batch,
                send,
                loader,
            } => {
                // A refused batch means the loader stopped at an error, which
                // it reports.
                let _ = send.send(batch);
                drop(send);
                loader
                    .join()
                    .map_err(|_| Error::internal("the thread recording a JSON document's entries"))
            }
        }
    }
}

/// The loader's thread: takes every event in order and stops at the first
/// error, hanging up, which stops the parse. While no batch waits it checks
/// the shape of `text`, to the end whatever else fails: a shape error is the
/// one reported.
fn record(mut loader: Loader, events: Receiver<Vec<Event>>, text: &[u8]) -> Loaded {
    let mut shape = Shape::default();
    let mut unchecked = text;
    let mut checked = Ok(());
    let mut events = Some(events);
    while let Some(receiver) = &events {
        let batch = if unchecked.is_empty() {
            receiver.recv().ok()
        } else {
            match receiver.try_recv() {
                Ok(batch) => Some(batch),
                Err(TryRecvError::Disconnected) => None,
                Err(TryRecvError::Empty) => {
                    let (step, rest) = unchecked
                        .split_at_checked(SHAPE_STEP)
                        .unwrap_or((unchecked, &[]));
                    unchecked = rest;
                    checked = shape.feed(step);
                    if checked.is_err() {
                        break;
                    }
                    continue;
                }
            }
        };
        let Some(batch) = batch else { break };
        for event in batch {
            if let Err(error) = loader.apply(event) {
                loader.failure = Some(error);
                events = None;
                break;
            }
        }
    }
    // Hang up first, so that a parse still running stops.
    drop(events);
    if checked.is_ok() {
        checked = shape.feed(unchecked);
    }
    Loaded {
        loader,
        shape: checked,
    }
}
