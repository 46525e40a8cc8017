//! One NETCONF session per connection, answered by the shared device.
//!
//! Everything the server sends goes through the session's [`FaultState`]
//! first, so a fault plan can delay, corrupt, duplicate or drop it.

use super::{ServeError, SimDevice};
use crate::device::SessionId;
use crate::fault::{Action, FaultPlan, FaultState};
use confuzz_net::{Driver, Limits, NetError, Next};
use confuzz_wire::netconf::{Hello, RpcReply};
use confuzz_wire::session::{CloseReason, Event, Session, SessionConfig};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};

/// The current instant from tokio's clock (paused in tests).
pub fn now() -> Instant {
    confuzz_net::driver::now()
}

/// How a NETCONF connection is served.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Read and write bounds; the read timeout is the idle timeout.
    pub limits: Limits,
    /// The largest message accepted from the client.
    pub max_message_size: usize,
    /// How long the client has to send its `<hello>`.
    pub hello_timeout: Duration,
    /// This connection's faults; `None` uses the device's plan.
    pub faults: Option<FaultPlan>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            limits: Limits::server(),
            max_message_size: 16 << 20,
            hello_timeout: Duration::from_secs(60),
            faults: None,
        }
    }
}

/// Serves one NETCONF session for `user` (already authenticated by the
/// transport) over `io` until it ends. The device session is closed
/// whatever way the connection ends (locks released, an unconfirmed
/// commit without persist rolled back).
pub async fn serve<T>(
    device: Arc<SimDevice>,
    user: &str,
    io: T,
    options: &ServeOptions,
) -> Result<(), ServeError>
where
    T: AsyncRead + AsyncWrite + Unpin,
{
    let (sid, caps, plan) = {
        let mut dev = device.lock();
        let sid = dev.open_session(user)?;
        let plan = options
            .faults
            .clone()
            .unwrap_or_else(|| dev.config().faults.clone());
        (sid, dev.capabilities(), plan)
    };
    let wake = device.register(sid);
    let result = run(&device, sid, caps, plan, &wake, io, options).await;
    device.unregister(sid);
    device.lock().close_session(sid, now());
    device.changed();
    match result {
        Ok(()) | Err(NetError::Closed(_)) | Err(NetError::ReadTimeout(_)) => Ok(()),
        Err(NetError::Io { source, .. })
            if matches!(
                source.kind(),
                std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::UnexpectedEof
            ) =>
        {
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether the connection goes on after an action list.
enum Flow {
    Go,
    Stop,
}

async fn run<T>(
    device: &SimDevice,
    sid: SessionId,
    caps: Vec<String>,
    plan: FaultPlan,
    wake: &tokio::sync::Notify,
    io: T,
    options: &ServeOptions,
) -> Result<(), NetError>
where
    T: AsyncRead + AsyncWrite + Unpin,
{
    // Strict framing: a message in the framing not in force (a chunk
    // before both hellos announced base:1.1, `]]>]]>` after), or a chunk
    // header the RFC 6242 §4.2 ABNF refuses, leaves no reliable message
    // boundary, so the session ends there instead of guessing.
    let config = SessionConfig {
        capabilities: caps.clone(),
        max_message_size: options.max_message_size,
        hello_timeout: Some(options.hello_timeout),
        strictness: confuzz_wire::framing::Strictness::Strict,
        ..SessionConfig::server(sid.0)
    };
    let mut session = Session::new(config, now());
    let mut faults = FaultState::new(plan);
    // The session queued its hello, framed; the fault plan decides what
    // is really sent in its place.
    let framed_hello = session.poll_transmit();
    let mut driver = Driver::new(io, session, options.limits);
    let hello = Hello::new(caps).with_session_id(sid.0).to_bytes();
    for action in faults.hello(&hello) {
        match action {
            Action::Send(_) => {
                if let Some(b) = &framed_hello {
                    driver.queue_raw(b.clone());
                }
            }
            Action::SendRaw(b) => driver.queue_raw(b),
            Action::Delay(d) => {
                driver.flush().await?;
                tokio::time::sleep(d).await;
            }
            Action::Close => {
                let _ = driver.shutdown().await;
                return Ok(());
            }
        }
    }
    loop {
        let next = driver.next_event_or(wake.notified()).await?;
        let flow = match next {
            Next::Woken(()) => woken(device, sid, &mut driver, &mut faults).await?,
            Next::Event(Event::Rpc { rpc, .. }) => {
                let (reply, ended) = {
                    let mut dev = device.lock();
                    let reply = dev.handle_rpc(sid, now(), &rpc);
                    (reply, !dev.is_open(sid))
                };
                device.changed();
                let flow = send_reply(&mut driver, &mut faults, &reply).await?;
                if ended {
                    // <close-session> answered (or the session was ended
                    // by the device): the reply is out, close.
                    driver.session_mut().close_local(CloseReason::CloseSession);
                    Flow::Stop
                } else {
                    flow
                }
            }
            Next::Event(Event::Malformed { error, .. }) => {
                // RFC 6241 §4.3: a message that cannot be read is answered
                // with malformed-message and no message-id; that tag is new
                // in base:1.1 and not sent to base:1.0 clients (Appendix A),
                // which get operation-failed instead.
                let reply = if driver.session().base_1_1() {
                    RpcReply::malformed_message()
                } else {
                    RpcReply::unparsed_base10(format!(
                        "the message could not be read: {error}; send one well-formed <rpc> per ]]>]]>"
                    ))
                };
                send_reply(&mut driver, &mut faults, &reply).await?
            }
            Next::Event(Event::Closed { .. }) => Flow::Stop,
            Next::Event(_) => Flow::Go,
        };
        if let Flow::Stop = flow {
            let _ = driver.shutdown().await;
            return Ok(());
        }
    }
}

/// Something changed on the device: this session may have been killed, or
/// have notifications to send.
async fn woken<T>(
    device: &SimDevice,
    sid: SessionId,
    driver: &mut Driver<T>,
    faults: &mut FaultState,
) -> Result<Flow, NetError>
where
    T: AsyncRead + AsyncWrite + Unpin,
{
    let mut out = Vec::new();
    {
        let mut dev = device.lock();
        if !dev.is_open(sid) {
            return Ok(Flow::Stop);
        }
        while let Some(n) = dev.poll_notification(sid) {
            out.push(n.to_bytes());
        }
    }
    for bytes in out {
        let actions = faults.message(&bytes);
        if let Flow::Stop = carry_out(driver, actions).await? {
            return Ok(Flow::Stop);
        }
    }
    Ok(Flow::Go)
}

async fn send_reply<T>(
    driver: &mut Driver<T>,
    faults: &mut FaultState,
    reply: &RpcReply,
) -> Result<Flow, NetError>
where
    T: AsyncRead + AsyncWrite + Unpin,
{
    let framing = driver.session().framing();
    let actions = faults.reply(reply, framing);
    carry_out(driver, actions).await
}

async fn carry_out<T>(driver: &mut Driver<T>, actions: Vec<Action>) -> Result<Flow, NetError>
where
    T: AsyncRead + AsyncWrite + Unpin,
{
    for action in actions {
        match action {
            Action::Delay(d) => {
                // What was queued before goes out before the pause.
                driver.flush().await?;
                tokio::time::sleep(d).await;
            }
            // Queued: the driver writes while it reads, so a client busy
            // sending cannot block the reply.
            Action::Send(bytes) => driver.session_mut().send_message(&bytes)?,
            Action::SendRaw(bytes) => driver.queue_raw(bytes),
            Action::Close => return Ok(Flow::Stop),
        }
    }
    Ok(Flow::Go)
}
