//! [`Driver`]: one [`Session`] over one byte stream.
//!
//! The driver is the only place the session meets the clock and the
//! transport: it writes whatever [`Session::poll_transmit`] gives, reads
//! into a fixed buffer with a timeout, and calls
//! [`Session::handle_timeout`] when [`Session::poll_timeout`] is due, using
//! tokio time (so tests with a paused clock run timeouts instantly).

use crate::{Limits, NetError};
use confuzz_wire::session::{CloseReason, Event, Session, State};
use std::future::Future;
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// What [`Driver::next_event_or`] returns.
// Returned once per event and matched at once; boxing the event would cost
// an allocation per message for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Next<W> {
    /// The session produced an event.
    Event(Event),
    /// The caller's wake-up future completed first.
    Woken(W),
}

/// The current instant, from tokio's clock.
pub fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

/// Runs a [`Session`] over `T`.
pub struct Driver<T> {
    io: T,
    session: Session,
    limits: Limits,
    buf: Box<[u8]>,
    eof: bool,
    close_reason: Option<CloseReason>,
}

impl<T: AsyncRead + AsyncWrite + Unpin> Driver<T> {
    /// Drives `session` over `io` within `limits`.
    pub fn new(io: T, session: Session, limits: Limits) -> Self {
        Driver {
            io,
            session,
            buf: vec![0; limits.read_chunk.max(1)].into_boxed_slice(),
            limits,
            eof: false,
            close_reason: None,
        }
    }

    /// The session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The session, to send on it (then call [`Driver::flush`]).
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    /// The byte stream.
    pub fn io_mut(&mut self) -> &mut T {
        &mut self.io
    }

    /// Writes every queued transmit of the session.
    pub async fn flush(&mut self) -> Result<(), NetError> {
        let mut wrote = false;
        while let Some(bytes) = self.session.poll_transmit() {
            self.write(&bytes).await?;
            wrote = true;
        }
        if wrote {
            self.flush_io().await?;
        }
        Ok(())
    }

    /// Writes `bytes` as they are (no framing), e.g. for fault injection.
    pub async fn write_raw(&mut self, bytes: &[u8]) -> Result<(), NetError> {
        self.flush().await?;
        self.write(bytes).await?;
        self.flush_io().await
    }

    async fn write(&mut self, bytes: &[u8]) -> Result<(), NetError> {
        let t = self.limits.write_timeout;
        tokio::time::timeout(t, self.io.write_all(bytes))
            .await
            .map_err(|_| NetError::WriteTimeout(t))?
            .map_err(|e| NetError::io("writing to the peer", e))
    }

    async fn flush_io(&mut self) -> Result<(), NetError> {
        let t = self.limits.write_timeout;
        tokio::time::timeout(t, self.io.flush())
            .await
            .map_err(|_| NetError::WriteTimeout(t))?
            .map_err(|e| NetError::io("flushing to the peer", e))
    }

    /// Closes the write side of the stream (after flushing).
    pub async fn shutdown(&mut self) -> Result<(), NetError> {
        self.flush().await?;
        let t = self.limits.write_timeout;
        tokio::time::timeout(t, self.io.shutdown())
            .await
            .map_err(|_| NetError::WriteTimeout(t))?
            .map_err(|e| NetError::io("closing the stream", e))
    }

    /// The next event, reading and firing timers as needed.
    pub async fn next_event(&mut self) -> Result<Event, NetError> {
        match self.next_event_or(std::future::pending::<()>()).await? {
            Next::Event(e) => Ok(e),
            Next::Woken(()) => Err(NetError::Closed(CloseReason::Local)),
        }
    }

    /// The next event, or `wake`'s output if it completes first (a server
    /// wakes for notifications or a kill from another session). Queued
    /// bytes are written first; the read itself is cancel-safe, so no
    /// input is lost when `wake` wins.
    pub async fn next_event_or<F: Future>(&mut self, wake: F) -> Result<Next<F::Output>, NetError> {
        tokio::pin!(wake);
        loop {
            self.flush().await?;
            if let Some(ev) = self.session.poll_event() {
                if let Event::Closed { reason, .. } = &ev {
                    self.close_reason = Some(reason.clone());
                }
                return Ok(Next::Event(ev));
            }
            if self.session.state() == State::Closed || self.eof {
                return Err(NetError::Closed(
                    self.close_reason.clone().unwrap_or(CloseReason::PeerClosed),
                ));
            }
            let timer = self.session.poll_timeout();
            let read_timeout = self.limits.read_timeout;
            tokio::select! {
                biased;
                w = &mut wake => return Ok(Next::Woken(w)),
                _ = sleep_until(timer), if timer.is_some() => {
                    self.session.handle_timeout(now());
                }
                r = tokio::time::timeout(read_timeout, self.io.read(&mut self.buf)) => {
                    match r {
                        Err(_) => return Err(NetError::ReadTimeout(read_timeout)),
                        Ok(Err(e)) => return Err(NetError::io("reading from the peer", e)),
                        Ok(Ok(0)) => {
                            self.eof = true;
                            self.session.handle_eof(now());
                        }
                        Ok(Ok(n)) => {
                            let data = self.buf.get(..n).unwrap_or_default();
                            self.session.handle_input(now(), data);
                        }
                    }
                }
            }
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
        None => std::future::pending().await,
    }
}
