//! [`NetconfClient`]: a NETCONF client over any transport.

use crate::driver::{Driver, now};
use crate::io::{BoxIo, ChildIo, connect_tcp};
use crate::ssh::{SshClientConfig, connect_ssh};
use crate::{Limits, NetError};
use bytes::Bytes;
use confuzz_wire::Violation;
use confuzz_wire::netconf::{Hello, Notification, RpcReply};
use confuzz_wire::session::{Event, Session, SessionConfig};
use std::collections::VecDeque;
use std::time::Duration;

/// The most events (notifications, violations, stray replies) kept between
/// calls; older ones are dropped first.
const MAX_KEPT_EVENTS: usize = 4096;

/// An answered rpc.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The message-id of the rpc.
    pub message_id: String,
    /// The parsed reply.
    pub reply: RpcReply,
    /// The reply's bytes.
    pub raw: Bytes,
    /// Time from sending the rpc to reading the reply.
    pub elapsed: Duration,
}

/// A connected NETCONF client session.
pub struct NetconfClient {
    driver: Driver<BoxIo>,
    /// Events that were not the answer being awaited, oldest first.
    kept: VecDeque<Event>,
}

impl NetconfClient {
    /// Runs the hello exchange over `io` and returns the established session.
    pub async fn handshake(
        io: BoxIo,
        config: SessionConfig,
        limits: Limits,
    ) -> Result<Self, NetError> {
        let session = Session::new(config, now());
        let mut client = NetconfClient {
            driver: Driver::new(io, session, limits),
            kept: VecDeque::new(),
        };
        loop {
            match client.driver.next_event().await? {
                Event::Established { .. } => return Ok(client),
                Event::Closed { reason, .. } => return Err(NetError::Closed(reason)),
                other => client.keep(other),
            }
        }
    }

    /// Connects over raw TCP (no SSH: the simulator's `--tcp` service).
    pub async fn connect_tcp(
        addr: &str,
        config: SessionConfig,
        limits: Limits,
    ) -> Result<Self, NetError> {
        let stream = connect_tcp(addr, limits.read_timeout).await?;
        Self::handshake(Box::new(stream), config, limits).await
    }

    /// Connects over SSH and opens the `netconf` subsystem (or the one `ssh` names).
    pub async fn connect_ssh(
        addr: &str,
        ssh: &SshClientConfig,
        config: SessionConfig,
        limits: Limits,
    ) -> Result<Self, NetError> {
        let stream = connect_ssh(addr, ssh).await?;
        Self::handshake(Box::new(stream), config, limits).await
    }

    /// Runs `command` and speaks NETCONF over its stdin and stdout.
    pub async fn spawn(
        command: tokio::process::Command,
        config: SessionConfig,
        limits: Limits,
    ) -> Result<Self, NetError> {
        let io = ChildIo::spawn(command)?;
        Self::handshake(Box::new(io), config, limits).await
    }

    /// The session-id the server announced.
    pub fn session_id(&self) -> Option<u32> {
        self.driver.session().session_id()
    }

    /// The server's hello.
    pub fn server_hello(&self) -> Option<&Hello> {
        self.driver.session().peer_hello()
    }

    /// The session, e.g. to send a deliberately broken message.
    pub fn driver(&mut self) -> &mut Driver<BoxIo> {
        &mut self.driver
    }

    fn keep(&mut self, event: Event) {
        if self.kept.len() >= MAX_KEPT_EVENTS {
            self.kept.pop_front();
        }
        self.kept.push_back(event);
    }

    /// Sends `<rpc>` around `operation` and waits for its reply (within the
    /// session's reply timeout). Other events met on the way are kept.
    pub async fn rpc(&mut self, operation: &str) -> Result<Reply, NetError> {
        let id = self.driver.session_mut().send_rpc(now(), operation)?;
        self.await_reply(id).await
    }

    async fn await_reply(&mut self, id: String) -> Result<Reply, NetError> {
        loop {
            match self.driver.next_event().await? {
                Event::Reply {
                    message_id,
                    reply,
                    raw,
                    elapsed,
                    ..
                } if message_id == id => {
                    return Ok(Reply {
                        message_id,
                        reply,
                        raw,
                        elapsed,
                    });
                }
                Event::ReplyTimeout { message_id } if message_id == id => {
                    return Err(NetError::ReplyTimeout(message_id));
                }
                Event::Closed { reason, .. } => return Err(NetError::Closed(reason)),
                other => self.keep(other),
            }
        }
    }

    /// Sends `<close-session/>`, waits for the answer and closes the stream.
    pub async fn close(mut self) -> Result<Reply, NetError> {
        let id = self.driver.session_mut().send_close_session(now())?;
        let reply = self.await_reply(id).await?;
        let _ = self.driver.shutdown().await;
        Ok(reply)
    }

    /// Waits up to `timeout` for the next notification.
    pub async fn next_notification(
        &mut self,
        timeout: Duration,
    ) -> Result<Option<Notification>, NetError> {
        if let Some(i) = self
            .kept
            .iter()
            .position(|e| matches!(e, Event::Notification { .. }))
            && let Some(Event::Notification { notification, .. }) = self.kept.remove(i)
        {
            return Ok(Some(notification));
        }
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        loop {
            match self.driver.next_event_or(&mut deadline).await? {
                crate::Next::Woken(()) => return Ok(None),
                crate::Next::Event(Event::Notification { notification, .. }) => {
                    return Ok(Some(notification));
                }
                crate::Next::Event(Event::Closed { reason, .. }) => {
                    return Err(NetError::Closed(reason));
                }
                crate::Next::Event(other) => self.keep(other),
            }
        }
    }

    /// The protocol violations seen so far (taken out).
    pub fn take_violations(&mut self) -> Vec<Violation> {
        let mut out = Vec::new();
        self.kept.retain(|e| match e {
            Event::Violation(v) => {
                out.push(v.clone());
                false
            }
            _ => true,
        });
        out
    }

    /// Every other event kept so far (taken out).
    pub fn take_events(&mut self) -> Vec<Event> {
        self.kept.drain(..).collect()
    }
}
