//! `bytes` steps: bytes written on a NETCONF session as they are, with no
//! framing added, to see what the device does with broken framing (RFC
//! 6242): then its reply, or the end of the session, is read.
//!
//! The runner's session did not send these bytes through its own state
//! machine, so a reply carrying a message-id written in them is not an
//! `unknown-message-id`: that violation is dropped for such replies.

use crate::model::{BytesPayload, Count};
use crate::vars::Vars;
use bytes::Bytes;
use confuzz_net::{NetError, NetconfClient};
use confuzz_wire::Violation;
use confuzz_wire::session::Event;
use std::path::Path;
use std::time::Duration;

/// The most bytes one step sends.
pub const MAX_BYTES: usize = 64 << 20;

/// Reads `\n`, `\r`, `\t`, `\0`, `\\` and `\xNN` escapes.
pub fn unescape(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let e = b.get(i + 1).copied();
        let (byte, len) = match e {
            Some(b'n') => (b'\n', 2),
            Some(b'r') => (b'\r', 2),
            Some(b't') => (b'\t', 2),
            Some(b'0') => (0, 2),
            Some(b'\\') => (b'\\', 2),
            Some(b'x') => {
                let hex = text.get(i + 2..i + 4).unwrap_or("");
                let v = u8::from_str_radix(hex, 16).map_err(|_| {
                    format!("`\\x` at byte {i} wants two hex digits (e.g. \\x0a), got {hex:?}")
                })?;
                (v, 4)
            }
            other => {
                return Err(format!(
                    "unknown escape `\\{}` at byte {i}; use \\n, \\r, \\t, \\0, \\\\ or \\xNN",
                    other.map(|c| (c as char).to_string()).unwrap_or_default()
                ));
            }
        };
        out.push(byte);
        i += len;
    }
    Ok(out)
}

/// The bytes of `payload`: variables expanded in text, files read as they
/// are, the whole repeated; at most [`MAX_BYTES`].
pub fn payload_bytes(
    scenario_file: &Path,
    payload: &BytesPayload,
    vars: &Vars,
) -> Result<Vec<u8>, String> {
    let (once, repeat) = match payload {
        BytesPayload::Text(t) => (vars.expand(t)?.into_bytes(), None),
        BytesPayload::Spec(s) => {
            let once = match (&s.escaped, &s.file) {
                (Some(e), None) => unescape(&vars.expand(e)?)?,
                (None, Some(f)) => {
                    let p = scenario_file.parent().unwrap_or(Path::new(".")).join(f);
                    let meta = std::fs::metadata(&p)
                        .map_err(|e| format!("bytes file {}: {e}", p.display()))?;
                    if meta.len() > MAX_BYTES as u64 {
                        return Err(format!(
                            "bytes file {} has {} bytes; a step sends at most {MAX_BYTES}",
                            p.display(),
                            meta.len()
                        ));
                    }
                    std::fs::read(&p).map_err(|e| format!("bytes file {}: {e}", p.display()))?
                }
                _ => return Err("give one of `escaped` and `file`".into()),
            };
            (once, s.repeat.as_ref())
        }
    };
    let n = match repeat {
        None => 1,
        Some(Count::N(n)) => *n,
        Some(Count::Text(t)) => {
            let t = vars.expand(t)?;
            t.trim()
                .parse()
                .map_err(|_| format!("`repeat` is {t:?}, not a number"))?
        }
    };
    let total = u64::try_from(once.len())
        .unwrap_or(u64::MAX)
        .saturating_mul(n);
    if total > MAX_BYTES as u64 {
        return Err(format!(
            "{} bytes repeated {n} times is {total} bytes; a step sends at most {MAX_BYTES}",
            once.len()
        ));
    }
    Ok(once.repeat(usize::try_from(n).unwrap_or(0)))
}

/// What the device did with the bytes.
#[derive(Debug, Default)]
pub struct Answer {
    /// Its first message after them.
    pub reply: Option<Bytes>,
    /// Violations seen meanwhile.
    pub violations: Vec<Violation>,
    /// The session ended.
    pub closed: bool,
    /// Why nothing can be checked (no reply, no close, a transport error).
    pub error: Option<String>,
}

/// Writes `bytes` on `c` and reads the first reply or the end of the
/// session; with `until_closed`, reads on after a reply until the end.
/// Returns before `limit` runs out, with what it has.
pub async fn send(
    c: &mut NetconfClient,
    bytes: &[u8],
    until_closed: bool,
    limit: Duration,
) -> Answer {
    let mut a = Answer {
        violations: c.take_violations(),
        ..Answer::default()
    };
    let deadline = tokio::time::Instant::now() + limit.mul_f64(0.9);
    match tokio::time::timeout_at(deadline, c.driver().write_raw(bytes)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) if gone(&e) => {
            // The device closed while the bytes were still going out.
            a.closed = true;
            return a;
        }
        Ok(Err(e)) => {
            a.error = Some(format!("cannot send: {e}"));
            return a;
        }
        Err(_) => {
            a.error = Some(format!(
                "the device read none of the last bytes within {limit:?}"
            ));
            return a;
        }
    }
    loop {
        let next = match tokio::time::timeout_at(deadline, c.driver().next_event()).await {
            Ok(n) => n,
            Err(_) => {
                if a.reply.is_none() {
                    a.error = Some(format!(
                        "the device neither replied nor closed the session within {limit:?}"
                    ));
                }
                break;
            }
        };
        match next {
            Ok(Event::Reply { raw, .. })
            | Ok(Event::UnmatchedReply { raw, .. })
            | Ok(Event::Malformed { raw, .. }) => {
                if a.reply.is_none() {
                    a.reply = Some(raw);
                }
                if !until_closed {
                    break;
                }
            }
            Ok(Event::Violation(v)) => a.violations.push(v),
            Ok(Event::Closed { .. }) => {
                a.closed = true;
                break;
            }
            Ok(_) => {}
            Err(e) if gone(&e) => {
                a.closed = true;
                break;
            }
            Err(e) => {
                a.error = Some(format!("reading the reply: {e}"));
                break;
            }
        }
    }
    // Violations that arrived with the reply.
    while let Some(ev) = c.driver().session_mut().poll_event() {
        if let Event::Violation(v) = ev {
            a.violations.push(v);
        }
    }
    if let Some(id) = a.reply.as_deref().and_then(reply_message_id) {
        let text = String::from_utf8_lossy(bytes);
        if text.contains(&format!("message-id=\"{id}\""))
            || text.contains(&format!("message-id='{id}'"))
        {
            a.violations.retain(|v| v.rule.id != "unknown-message-id");
        }
    }
    a
}

/// The transport ended: the peer closed or reset the connection.
fn gone(e: &NetError) -> bool {
    match e {
        NetError::Closed(_) => true,
        NetError::Io { source, .. } => matches!(
            source.kind(),
            std::io::ErrorKind::BrokenPipe
                | std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::UnexpectedEof
        ),
        _ => false,
    }
}

/// The message-id attribute of a reply's root element.
fn reply_message_id(raw: &[u8]) -> Option<String> {
    let el = confuzz_wire::xml::Element::parse(raw, &Default::default()).ok()?;
    el.attributes
        .iter()
        .find(|a| a.name.local == "message-id" && !a.is_xmlns())
        .map(|a| a.value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_give_any_byte_and_bad_ones_say_which() {
        assert_eq!(
            unescape(r"\n#5\n<a/>\x00\xff\\\r\t\0").unwrap(),
            b"\n#5\n<a/>\x00\xff\\\r\t\0"
        );
        assert!(
            unescape(r"\q")
                .unwrap_err()
                .contains("unknown escape `\\q`")
        );
        assert!(unescape(r"\x4").unwrap_err().contains("two hex digits"));
        assert!(unescape("\\").is_err());
    }

    #[test]
    fn repeat_is_bounded_and_reads_variables() {
        let mut vars = Vars::default();
        vars.defaults.insert("n".into(), "3".into());
        let spec = |repeat| {
            BytesPayload::Spec(crate::model::BytesSpec {
                escaped: Some("ab".into()),
                file: None,
                repeat: Some(repeat),
            })
        };
        let p = Path::new("t.yaml");
        assert_eq!(
            payload_bytes(p, &spec(Count::Text("${n}".into())), &vars).unwrap(),
            b"ababab"
        );
        let e = payload_bytes(p, &spec(Count::N(1 << 40)), &vars).unwrap_err();
        assert!(e.contains("at most"), "{e}");
    }
}
