//! [`Driver`]: one [`Session`] over one byte stream.
//!
//! The driver is the only place the session meets the clock and the
//! transport: it writes whatever [`Session::poll_transmit`] gives, reads
//! into a fixed buffer with a timeout, and calls
//! [`Session::handle_timeout`] when [`Session::poll_timeout`] is due, using
//! tokio time (so tests with a paused clock run timeouts instantly).

use crate::{Limits, NetError};
use bytes::Bytes;
use confuzz_wire::session::{CloseReason, Event, Session, State};
use std::collections::VecDeque;
use std::future::Future;
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};

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
///
/// Reading and writing go on at once: while queued bytes wait for the peer
/// to read them, the driver keeps reading, so two peers that both send a
/// large message before reading cannot block each other. When more than
/// [`Limits::max_queued_output`] bytes wait, it stops reading until the
/// peer catches up.
pub struct Driver<T> {
    reader: ReadHalf<T>,
    writer: WriteHalf<T>,
    session: Session,
    limits: Limits,
    buf: Box<[u8]>,
    /// Bytes to write, in order, and how much of the first was written.
    out: VecDeque<Bytes>,
    out_offset: usize,
    out_len: usize,
    eof: bool,
    close_reason: Option<CloseReason>,
}

impl<T: AsyncRead + AsyncWrite> Driver<T> {
    /// Drives `session` over `io` within `limits`.
    pub fn new(io: T, session: Session, limits: Limits) -> Self {
        let (reader, writer) = tokio::io::split(io);
        Driver {
            reader,
            writer,
            session,
            buf: vec![0; limits.read_chunk.max(1)].into_boxed_slice(),
            limits,
            out: VecDeque::new(),
            out_offset: 0,
            out_len: 0,
            eof: false,
            close_reason: None,
        }
    }

    /// The session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The session, to send on it; what it queues is written by the next
    /// [`Driver::flush`] or [`Driver::next_event`].
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    fn take_transmits(&mut self) {
        while let Some(bytes) = self.session.poll_transmit() {
            self.out_len += bytes.len();
            self.out.push_back(bytes);
        }
    }

    /// Queues `bytes` as they are (no framing, e.g. for fault injection),
    /// after everything the session queued before.
    pub fn queue_raw(&mut self, bytes: Bytes) {
        self.take_transmits();
        self.out_len += bytes.len();
        self.out.push_back(bytes);
    }

    /// Writes `bytes` as they are, after everything queued before.
    pub async fn write_raw(&mut self, bytes: &[u8]) -> Result<(), NetError> {
        self.queue_raw(Bytes::copy_from_slice(bytes));
        self.flush().await
    }

    /// Writes everything queued (without reading meanwhile).
    pub async fn flush(&mut self) -> Result<(), NetError> {
        self.take_transmits();
        if self.out.is_empty() {
            return Ok(());
        }
        while !self.out.is_empty() {
            let t = self.limits.write_timeout;
            tokio::time::timeout(t, self.write_some())
                .await
                .map_err(|_| NetError::WriteTimeout(t))??;
        }
        self.flush_io().await
    }

    /// Writes some of the first queued buffer; cancel-safe.
    async fn write_some(&mut self) -> Result<(), NetError> {
        write_some(
            &mut self.writer,
            &mut self.out,
            &mut self.out_offset,
            &mut self.out_len,
        )
        .await
    }

    async fn flush_io(&mut self) -> Result<(), NetError> {
        let t = self.limits.write_timeout;
        tokio::time::timeout(t, self.writer.flush())
            .await
            .map_err(|_| NetError::WriteTimeout(t))?
            .map_err(|e| NetError::io("flushing to the peer", e))
    }

    /// Closes the write side of the stream (after writing what is queued).
    pub async fn shutdown(&mut self) -> Result<(), NetError> {
        self.flush().await?;
        let t = self.limits.write_timeout;
        tokio::time::timeout(t, self.writer.shutdown())
            .await
            .map_err(|_| NetError::WriteTimeout(t))?
            .map_err(|e| NetError::io("closing the stream", e))
    }

    /// The next event, reading, writing and firing timers as needed.
    pub async fn next_event(&mut self) -> Result<Event, NetError> {
        match self.next_event_or(std::future::pending::<()>()).await? {
            Next::Event(e) => Ok(e),
            Next::Woken(()) => Err(NetError::Closed(CloseReason::Local)),
        }
    }

    /// The next event, or `wake`'s output if it completes first (a server
    /// wakes for notifications or a kill from another session). Every
    /// branch is cancel-safe, so no input or output is lost when `wake`
    /// wins.
    pub async fn next_event_or<F: Future>(&mut self, wake: F) -> Result<Next<F::Output>, NetError> {
        tokio::pin!(wake);
        loop {
            self.take_transmits();
            if let Some(ev) = self.session.poll_event() {
                if let Event::Closed { reason, .. } = &ev {
                    self.close_reason = Some(reason.clone());
                }
                return Ok(Next::Event(ev));
            }
            let closed = self.session.state() == State::Closed || self.eof;
            if closed && self.out.is_empty() {
                self.flush_io().await?;
                return Err(NetError::Closed(
                    self.close_reason.clone().unwrap_or(CloseReason::PeerClosed),
                ));
            }
            let timer = self.session.poll_timeout();
            let writing = !self.out.is_empty();
            let reading = !closed && self.out_len <= self.limits.max_queued_output;
            let (read_timeout, write_timeout) =
                (self.limits.read_timeout, self.limits.write_timeout);
            let mut wrote = false;
            tokio::select! {
                biased;
                w = &mut wake => return Ok(Next::Woken(w)),
                _ = sleep_until(timer), if timer.is_some() => {
                    self.session.handle_timeout(now());
                }
                r = tokio::time::timeout(
                    write_timeout,
                    write_some(&mut self.writer, &mut self.out, &mut self.out_offset, &mut self.out_len),
                ), if writing => {
                    r.map_err(|_| NetError::WriteTimeout(write_timeout))??;
                    wrote = true;
                }
                r = tokio::time::timeout(read_timeout, self.reader.read(&mut self.buf)), if reading => {
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
            if wrote && self.out.is_empty() {
                self.flush_io().await?;
            }
        }
    }
}

/// Writes some of the first buffer of `out`; cancel-safe (a write either
/// happens and is accounted, or does not).
async fn write_some<W: AsyncWrite>(
    writer: &mut WriteHalf<W>,
    out: &mut VecDeque<Bytes>,
    offset: &mut usize,
    len: &mut usize,
) -> Result<(), NetError> {
    let Some(front) = out.front() else {
        return Ok(());
    };
    let rest = front.get(*offset..).unwrap_or_default();
    let n = writer
        .write(rest)
        .await
        .map_err(|e| NetError::io("writing to the peer", e))?;
    if n == 0 {
        return Err(NetError::io(
            "writing to the peer",
            std::io::ErrorKind::WriteZero.into(),
        ));
    }
    *offset += n;
    *len = len.saturating_sub(n);
    if *offset >= front.len() {
        out.pop_front();
        *offset = 0;
    }
    Ok(())
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
        None => std::future::pending().await,
    }
}
