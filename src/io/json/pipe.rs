//! Where the parse of a document hands what it reads: straight to the
//! loader, or, for a long document, to the loader running on a second
//! thread, so that parsing the text and recording the entries overlap.
//!
//! The loader takes the events in document order either way and stops at
//! its first error, and the parse reports its own error only when the
//! loader found none before it: the ledger and the error are the ones a
//! single thread gives.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use super::{Event, Loader};
use crate::error::{Error, Result};

/// Events read before a second thread is worth starting: a short document
/// loads on the caller's thread alone.
pub(super) const PIPE_AFTER: usize = 2048;
/// Events handed over at a time, so that the hand-over costs little per
/// entry.
const BATCH: usize = 256;
/// Batches waiting for the loader at most, so that a parse running ahead
/// holds a few records, not the document.
const QUEUE: usize = 8;

/// Where events go.
pub(super) enum Sink {
    /// To the loader on this thread; `events` counts them until a second
    /// thread is worth starting (`threads`).
    Direct {
        loader: Box<Loader>,
        events: usize,
        threads: bool,
    },
    /// To the loader on its own thread, a batch at a time.
    Piped {
        batch: Vec<Event>,
        send: SyncSender<Vec<Event>>,
        loader: JoinHandle<Loader>,
    },
}

/// The message of the parse error that stops the parse once the loader has
/// stopped; the loader's own error is the one reported.
const STOPPED: &str = "the load stopped at an earlier entry";

impl Sink {
    /// A sink for a new document; `threads` allows a second thread.
    pub(super) fn new(threads: bool) -> Sink {
        Sink::Direct {
            loader: Box::default(),
            events: 0,
            threads,
        }
    }

    /// Hands one event on; an error (its message) stops the parse.
    pub(super) fn send(&mut self, event: Event) -> std::result::Result<(), String> {
        match self {
            Sink::Direct {
                loader,
                events,
                threads,
            } => {
                if let Err(error) = loader.apply(event) {
                    let message = error.to_string();
                    loader.failure = Some(error);
                    return Err(message);
                }
                *events = events.saturating_add(1);
                if *threads && *events >= PIPE_AFTER {
                    self.start_thread();
                }
                Ok(())
            }
            Sink::Piped { batch, send, .. } => {
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

    /// Moves the loader to a thread of its own; without one (the system
    /// refused it) loading goes on here.
    fn start_thread(&mut self) {
        let Sink::Direct {
            loader, threads, ..
        } = self
        else {
            return;
        };
        *threads = false;
        // The loader travels once the thread runs, so that it stays here
        // if the thread cannot be started.
        let (hand_over, take_over) = sync_channel::<Box<Loader>>(1);
        let (send, receive) = sync_channel::<Vec<Event>>(QUEUE);
        let started = std::thread::Builder::new()
            .name("json-load".into())
            .spawn(move || {
                let Ok(loader) = take_over.recv() else {
                    return Loader {
                        failure: Some(Error::internal("the hand-over of a JSON loader")),
                        ..Loader::default()
                    };
                };
                record(*loader, &receive)
            });
        let Ok(handle) = started else { return };
        let moved = std::mem::take(loader);
        if let Err(refused) = hand_over.send(moved) {
            // The thread ended before taking it: go on here.
            *loader = refused.0;
            return;
        }
        *self = Sink::Piped {
            batch: Vec::with_capacity(BATCH),
            send,
            loader: handle,
        };
    }

    /// The loader, once it has taken every event handed on.
    pub(super) fn into_loader(self) -> Result<Loader> {
        match self {
            Sink::Direct { loader, .. } => Ok(*loader),
            Sink::Piped {
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

/// The loader's thread: takes every event in order, and stops (hanging up,
/// which stops the parse) at the first error.
fn record(mut loader: Loader, events: &Receiver<Vec<Event>>) -> Loader {
    for batch in events {
        for event in batch {
            if let Err(error) = loader.apply(event) {
                loader.failure = Some(error);
                return loader;
            }
        }
    }
    loader
}
