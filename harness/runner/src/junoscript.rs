//! A Junos XML protocol (junoscript) client over any byte stream: send
//! the declaration and `<junoscript>` start tag, then one `<rpc>` at a
//! time, reading each `<rpc-reply>` in order.

use bytes::{Bytes, BytesMut};
use confuzz_net::BoxIo;
use confuzz_wire::Violation;
use confuzz_wire::junos::{JunosEvent, SessionStart, StreamDecoder, write_declaration};
use confuzz_wire::xml::XmlLimits;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The largest buffered input.
const MAX_INPUT: usize = 64 << 20;

/// What came back from the server.
#[derive(Debug)]
pub enum Incoming {
    /// One child element of the server's `<junoscript>` (a reply), and
    /// the rules it breaks.
    Element(Bytes, Vec<Violation>),
    /// `</junoscript>`: the session is over.
    End,
}

/// A junoscript session.
pub struct JunosClient {
    io: BoxIo,
    decoder: StreamDecoder,
    input: BytesMut,
    eof: bool,
    /// The server's `<junoscript>` start tag, read at connect.
    pub server_start: Option<SessionStart>,
}

impl JunosClient {
    /// Starts the session over `io`: sends our start and reads the server's.
    pub async fn start(io: BoxIo, timeout: Duration) -> Result<JunosClient, String> {
        let mut c = JunosClient {
            io,
            decoder: StreamDecoder::new(XmlLimits::default()),
            input: BytesMut::new(),
            eof: false,
            server_start: None,
        };
        let mut out = Vec::new();
        write_declaration(&mut out);
        SessionStart::client(None, None).write(&mut out);
        out.push(b'\n');
        c.write(&out).await?;
        loop {
            match c.next_event(timeout).await? {
                Some(JunosEvent::SessionStart(s)) => {
                    c.server_start = Some(s.message);
                    return Ok(c);
                }
                Some(JunosEvent::Declaration(_)) => {}
                Some(_) | None => {
                    return Err("the server did not start a <junoscript> session".into());
                }
            }
        }
    }

    async fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.io
            .write_all(bytes)
            .await
            .map_err(|e| format!("writing to the server: {e}"))?;
        self.io
            .flush()
            .await
            .map_err(|e| format!("writing to the server: {e}"))
    }

    async fn next_event(&mut self, timeout: Duration) -> Result<Option<JunosEvent>, String> {
        loop {
            let ev = if self.eof {
                self.decoder.decode_eof(&mut self.input)
            } else {
                self.decoder.decode(&mut self.input)
            }
            .map_err(|e| format!("the server's stream cannot be read: {e}"))?;
            match ev {
                Some(ev) => return Ok(Some(ev)),
                None if self.eof => return Ok(None),
                None => {}
            }
            if self.input.len() > MAX_INPUT {
                return Err(
                    "the server sent more than 64 MiB without completing an element".into(),
                );
            }
            let mut chunk = [0u8; 16 * 1024];
            let n = tokio::time::timeout(timeout, self.io.read(&mut chunk))
                .await
                .map_err(|_| format!("no answer from the server within {timeout:?}"))?
                .map_err(|e| format!("reading from the server: {e}"))?;
            if n == 0 {
                self.eof = true;
            } else {
                self.input
                    .extend_from_slice(chunk.get(..n).unwrap_or_default());
            }
        }
    }

    /// Sends `<rpc>operation</rpc>` and returns what comes back next.
    pub async fn rpc(&mut self, operation: &str, timeout: Duration) -> Result<Incoming, String> {
        let msg = format!("<rpc>{operation}</rpc>\n");
        self.write(msg.as_bytes()).await?;
        self.read(timeout).await
    }

    /// The next reply or the end of the session.
    pub async fn read(&mut self, timeout: Duration) -> Result<Incoming, String> {
        loop {
            match self.next_event(timeout).await? {
                Some(JunosEvent::Element { raw, parsed, .. }) => {
                    let violations = parsed.map(|p| p.violations).unwrap_or_default();
                    return Ok(Incoming::Element(raw, violations));
                }
                Some(JunosEvent::SessionEnd) | None => return Ok(Incoming::End),
                Some(_) => {}
            }
        }
    }
}
