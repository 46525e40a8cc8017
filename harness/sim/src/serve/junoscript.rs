//! One Junos XML protocol (junoscript) session per connection.
//!
//! The server sends `<?xml?>` and its `<junoscript ...>` start tag at once,
//! then answers each `<rpc>` child of the client's `<junoscript>` in order;
//! `<request-end-session/>` is answered with `<end-session/>`, then
//! `</junoscript>` ends the stream. There is no framing: the
//! [`StreamDecoder`] finds where each request ends.

use super::{ServeError, SimDevice};
use crate::serve::netconf::now;
use confuzz_net::{Limits, NetError};
use confuzz_wire::junos::{
    JunosEvent, JunosMessage, SESSION_END, StreamDecoder, XnmDiagnostic, XnmSeverity,
    write_declaration,
};
use confuzz_wire::xml::XmlLimits;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Serves one junoscript session for `user` over `io` until it ends.
pub async fn serve<T>(
    device: Arc<SimDevice>,
    user: &str,
    mut io: T,
    limits: Limits,
) -> Result<(), ServeError>
where
    T: AsyncRead + AsyncWrite + Unpin,
{
    let (sid, start) = {
        let mut dev = device.lock();
        (dev.open_session(user)?, dev.junoscript_start())
    };
    let result = run(&device, sid, &start, &mut io, limits).await;
    device.lock().close_session(sid, now());
    device.changed();
    match result {
        Ok(()) | Err(NetError::ReadTimeout(_)) => Ok(()),
        Err(NetError::Io { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

async fn write<T: AsyncWrite + Unpin>(
    io: &mut T,
    bytes: &[u8],
    limits: Limits,
) -> Result<(), NetError> {
    let t = limits.write_timeout;
    tokio::time::timeout(t, async {
        io.write_all(bytes).await?;
        io.flush().await
    })
    .await
    .map_err(|_| NetError::WriteTimeout(t))?
    .map_err(|e| NetError::Io {
        context: "writing to the junoscript client".into(),
        source: e,
    })
}

async fn run<T>(
    device: &SimDevice,
    sid: crate::SessionId,
    start: &confuzz_wire::junos::SessionStart,
    io: &mut T,
    limits: Limits,
) -> Result<(), NetError>
where
    T: AsyncRead + AsyncWrite + Unpin,
{
    let mut out = Vec::new();
    write_declaration(&mut out);
    start.write(&mut out);
    out.push(b'\n');
    write(io, &out, limits).await?;
    let scope = start.scope();
    let mut decoder = StreamDecoder::new(XmlLimits::default());
    let mut input = bytes::BytesMut::with_capacity(limits.read_chunk);
    let mut eof = false;
    loop {
        let event = if eof {
            decoder.decode_eof(&mut input)
        } else {
            decoder.decode(&mut input)
        };
        let event = match event {
            Ok(Some(ev)) => ev,
            Ok(None) if eof => return Ok(()),
            Ok(None) => {
                // Read more, bounded: the decoder refuses an element longer
                // than its limit, so `input` never grows past it by much.
                let mut chunk = vec![0u8; limits.read_chunk.max(1)];
                let n = tokio::time::timeout(limits.read_timeout, io.read(&mut chunk))
                    .await
                    .map_err(|_| NetError::ReadTimeout(limits.read_timeout))?
                    .map_err(|e| NetError::Io {
                        context: "reading from the junoscript client".into(),
                        source: e,
                    })?;
                if n == 0 {
                    eof = true;
                } else {
                    input.extend_from_slice(chunk.get(..n).unwrap_or_default());
                }
                continue;
            }
            Err(e) => {
                let mut out = Vec::new();
                JunosMessage::Diagnostic(XnmDiagnostic::new(XnmSeverity::Error, e.to_string()))
                    .write_in(&mut out, &scope);
                out.extend_from_slice(SESSION_END);
                let _ = write(io, &out, limits).await;
                return Ok(());
            }
        };
        match event {
            JunosEvent::Declaration(_) | JunosEvent::SessionStart(_) => {}
            JunosEvent::SessionEnd => {
                write(io, SESSION_END, limits).await?;
                return Ok(());
            }
            JunosEvent::Element { parsed, .. } => {
                let mut out = Vec::new();
                let mut end = false;
                match parsed.map(|p| p.message) {
                    Ok(JunosMessage::Rpc(rpc)) => {
                        let reply = device.lock().handle_junos_rpc(sid, now(), &rpc);
                        device.changed();
                        end = reply.end_session;
                        JunosMessage::RpcReply(reply).write_in(&mut out, &scope);
                    }
                    Ok(_) => JunosMessage::Diagnostic(XnmDiagnostic::new(
                        XnmSeverity::Error,
                        "only <rpc> elements are accepted from a client",
                    ))
                    .write_in(&mut out, &scope),
                    Err(e) => JunosMessage::Diagnostic(XnmDiagnostic::new(
                        XnmSeverity::Error,
                        format!("the request cannot be read: {e}"),
                    ))
                    .write_in(&mut out, &scope),
                }
                out.push(b'\n');
                if end {
                    out.extend_from_slice(SESSION_END);
                }
                write(io, &out, limits).await?;
                if end {
                    return Ok(());
                }
            }
        }
    }
}
