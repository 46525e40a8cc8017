//! Splitting a Junos XML protocol stream into its parts.
//!
//! The stream is not framed: after the declaration it is one `<junoscript>`
//! element left open for the whole session, whose children are whole
//! `<rpc>` / `<rpc-reply>` elements, closed by `</junoscript>`. The decoder
//! finds where each child ends with a small resumable lexer (tags with
//! quoted attribute values, comments, CDATA, processing instructions),
//! counting depth; it never looks at a byte twice except the few bytes of a
//! `<!` it cannot classify yet, so feeding the stream one byte at a time
//! costs the same as feeding it at once, and gives the same events.
//!
//! Each complete child is cut out zero-copy and parsed by the hardened
//! [`xml`](crate::xml) layer with the bindings `<junoscript>` declared.

use super::message::{JunosMessage, parse_message_bytes};
use super::rules;
use super::session::SessionStart;
use crate::netconf::Parsed;
use crate::xml::{Declaration, NsBinding, XmlError, XmlEvent, XmlLimits, XmlReader};
use crate::{Scope, Violation};
use bytes::{Buf, Bytes, BytesMut};
use thiserror::Error;

/// What the decoder yields.
// Events are produced and consumed one at a time; boxing the large variant
// would cost an allocation per element for no gain.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JunosEvent {
    /// The `<?xml ...?>` declaration.
    Declaration(Declaration),
    /// The `<junoscript ...>` start tag.
    SessionStart(Parsed<SessionStart>),
    /// One child of `<junoscript>`: its bytes, where it started in the
    /// stream, and the element parsed (an error here spoils only this
    /// element; the stream goes on).
    Element {
        /// Stream offset of the element's first byte.
        offset: u64,
        /// The element's bytes.
        raw: Bytes,
        /// The element parsed, error offsets counted from the stream start.
        parsed: Result<Parsed<JunosMessage>, XmlError>,
    },
    /// `</junoscript>`.
    SessionEnd,
}

/// Why the stream cannot be read further.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum StreamError {
    /// Markup that breaks XML or a limit (DOCTYPE, depth, size, a bad
    /// start tag...). Offsets count from the stream start.
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// The first element is not `<junoscript>`.
    #[error(
        "the stream starts with <{found}> at byte {offset}, not <junoscript>; is this a NETCONF stream (use the ]]>]]> framing decoder) or a raw reply?"
    )]
    NotJunoscript {
        /// Offset of the element.
        offset: u64,
        /// Its name.
        found: String,
    },
    /// One element (or top-level markup) longer than the limit.
    #[error(
        "element starting at byte {offset} is longer than {limit} bytes; raise XmlLimits::max_size if the peer is trusted to send replies this large"
    )]
    ElementTooLarge {
        /// Offset of the element.
        offset: u64,
        /// The limit.
        limit: usize,
    },
    /// Non-whitespace text between elements.
    #[error(
        "text outside any element at byte {offset}; between requests and replies only whitespace and comments may appear"
    )]
    TextOutsideElement {
        /// Offset of the text.
        offset: u64,
    },
    /// An end tag other than `</junoscript>` between elements.
    #[error("end tag </{found}> at byte {offset} closes no element; expected </junoscript>")]
    UnexpectedEndTag {
        /// Offset of the end tag.
        offset: u64,
        /// Its name.
        found: String,
    },
    /// Bytes after `</junoscript>`.
    #[error("data at byte {offset} after </junoscript>; the session is over, open a new one")]
    AfterSessionEnd {
        /// Offset of the data.
        offset: u64,
    },
    /// The stream ended in the middle of something.
    #[error("stream ends at byte {offset} {what}; the peer closed early or the capture is cut")]
    Truncated {
        /// Where the stream ended.
        offset: u64,
        /// What was left open.
        what: String,
    },
    /// `decode` was called again after an error.
    #[error("the decoder already failed; start a new one")]
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Prolog,
    Session,
    Ended,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    /// Character data.
    Text,
    /// After `<`, kind not known yet.
    Markup,
    /// Inside a tag; `quote` is the open quote, if any.
    Tag {
        end_tag: bool,
        quote: Option<u8>,
    },
    /// `<!...>` other than a comment or CDATA (scanned to `>`).
    Bang,
    Comment,
    CData,
    Pi,
}

/// A streaming, bounded splitter of a Junos XML protocol stream
/// (tokio-util `Decoder` shape).
#[derive(Debug)]
pub struct StreamDecoder {
    limits: XmlLimits,
    phase: Phase,
    lex: Lex,
    /// Start of the token being lexed, in `buf`.
    token: usize,
    /// Next byte to look at, in `buf`.
    pos: usize,
    /// Depth inside the current child element (0 between children).
    depth: usize,
    /// Bytes consumed from the stream before `buf[0]`.
    consumed: u64,
    scope: Vec<NsBinding>,
    saw_declaration: bool,
    pending_end: bool,
}

impl StreamDecoder {
    /// A decoder holding each element to `limits` (`max_size` bounds one
    /// child element, `max_depth` its nesting).
    pub fn new(limits: XmlLimits) -> Self {
        StreamDecoder {
            limits,
            phase: Phase::Prolog,
            lex: Lex::Text,
            token: 0,
            pos: 0,
            depth: 0,
            consumed: 0,
            scope: Vec::new(),
            saw_declaration: false,
            pending_end: false,
        }
    }

    /// Namespace bindings of the session's `<junoscript>` start tag.
    pub fn scope(&self) -> &[NsBinding] {
        &self.scope
    }

    /// The next event from `buf`, consuming its bytes; `Ok(None)` when more
    /// bytes are needed.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<JunosEvent>, StreamError> {
        match self.step(buf) {
            Err(e) => {
                self.phase = Phase::Failed;
                Err(e)
            }
            ok => ok,
        }
    }

    /// As [`decode`](Self::decode) once the stream has ended: whatever is
    /// left must be complete.
    pub fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<JunosEvent>, StreamError> {
        if let Some(ev) = self.decode(buf)? {
            return Ok(Some(ev));
        }
        let offset = self.consumed + buf.len() as u64;
        let what = match (self.phase, self.depth, self.lex) {
            (Phase::Ended, _, _) => return Ok(None),
            (Phase::Prolog, 0, Lex::Text)
                if !self.saw_declaration && self.consumed == 0 && buf.is_empty() =>
            {
                return Ok(None);
            }
            (Phase::Prolog, _, _) => "before <junoscript>".to_owned(),
            (_, 0, Lex::Text) => "without </junoscript>".to_owned(),
            _ => format!(
                "inside an element or markup starting at byte {}",
                self.consumed
            ),
        };
        self.phase = Phase::Failed;
        Err(StreamError::Truncated { offset, what })
    }

    fn at(&self, i: usize) -> u64 {
        self.consumed + i as u64
    }

    fn consume(&mut self, buf: &mut BytesMut, n: usize) {
        buf.advance(n);
        self.consumed += n as u64;
        self.pos = self.pos.saturating_sub(n);
        self.token = self.token.saturating_sub(n);
    }

    fn step(&mut self, buf: &mut BytesMut) -> Result<Option<JunosEvent>, StreamError> {
        if self.pending_end {
            self.pending_end = false;
            self.phase = Phase::Ended;
            return Ok(Some(JunosEvent::SessionEnd));
        }
        loop {
            match self.phase {
                Phase::Failed => return Err(StreamError::Failed),
                Phase::Ended => {
                    let ws = buf.iter().take_while(|b| is_ws(**b)).count();
                    if ws < buf.len() {
                        return Err(StreamError::AfterSessionEnd {
                            offset: self.at(ws),
                        });
                    }
                    self.pos = buf.len();
                    self.consume(buf, ws);
                    return Ok(None);
                }
                Phase::Prolog | Phase::Session => {}
            }
            // Everything buffered belongs to one element or top-level
            // token starting at buf[0]; bound it. Checked after each token
            // and at each pause, so the first error does not depend on how
            // the stream was split.
            let done = self.lex_one(buf)?;
            if done.unwrap_or(self.pos) > self.limits.max_size {
                return Err(StreamError::ElementTooLarge {
                    offset: self.consumed,
                    limit: self.limits.max_size,
                });
            }
            let Some(done) = done else {
                return Ok(None);
            };
            if let Some(ev) = self.token_done(buf, done)? {
                return Ok(Some(ev));
            }
        }
    }

    /// Lexes on from `pos`; returns the end (exclusive) of a completed
    /// markup token starting at `token`, or `None` when more bytes are
    /// needed. Character data at depth 0 is checked and consumed here.
    fn lex_one(&mut self, buf: &mut BytesMut) -> Result<Option<usize>, StreamError> {
        loop {
            match self.lex {
                Lex::Text => {
                    let rest = &buf[self.pos..];
                    let lt = memchr::memchr(b'<', rest);
                    let text_end = lt.map_or(buf.len(), |i| self.pos + i);
                    if self.depth == 0 {
                        if let Some(i) = buf[self.pos..text_end].iter().position(|b| !is_ws(*b)) {
                            return Err(StreamError::TextOutsideElement {
                                offset: self.at(self.pos + i),
                            });
                        }
                        self.pos = text_end;
                        let n = self.pos;
                        self.consume(buf, n);
                    } else {
                        self.pos = text_end;
                    }
                    if lt.is_none() {
                        return Ok(None);
                    }
                    self.token = self.pos;
                    self.pos += 1;
                    self.lex = Lex::Markup;
                }
                Lex::Markup => {
                    let Some(&b) = buf.get(self.pos) else {
                        return Ok(None);
                    };
                    match b {
                        b'/' => {
                            self.lex = Lex::Tag {
                                end_tag: true,
                                quote: None,
                            };
                            self.pos += 1;
                        }
                        b'?' => {
                            self.lex = Lex::Pi;
                            self.pos += 1;
                        }
                        b'!' => {
                            let t = &buf[self.token..];
                            let kinds: [(&[u8], Lex); 2] =
                                [(b"<!--", Lex::Comment), (b"<![CDATA[", Lex::CData)];
                            let mut undecided = false;
                            let mut kind = Lex::Bang;
                            for (prefix, k) in kinds {
                                if t.starts_with(prefix) {
                                    kind = k;
                                    self.pos = self.token + prefix.len();
                                    undecided = false;
                                    break;
                                }
                                if prefix.starts_with(t) {
                                    undecided = true;
                                }
                            }
                            if undecided && kind == Lex::Bang {
                                return Ok(None);
                            }
                            if kind == Lex::Bang {
                                if self.depth == 0 {
                                    return Err(XmlError::Doctype {
                                        offset: self.at(self.token),
                                    }
                                    .into());
                                }
                                self.pos = self.token + 2;
                            }
                            self.lex = kind;
                        }
                        _ => {
                            self.lex = Lex::Tag {
                                end_tag: false,
                                quote: None,
                            }
                        }
                    }
                }
                Lex::Tag { end_tag, quote } => {
                    let rest = &buf[self.pos..];
                    match quote {
                        Some(q) => match memchr::memchr(q, rest) {
                            Some(i) => {
                                self.pos += i + 1;
                                self.lex = Lex::Tag {
                                    end_tag,
                                    quote: None,
                                };
                            }
                            None => {
                                self.pos = buf.len();
                                return Ok(None);
                            }
                        },
                        None => match memchr::memchr3(b'>', b'"', b'\'', rest) {
                            Some(i) => {
                                let c = rest[i];
                                self.pos += i + 1;
                                if c == b'>' {
                                    return Ok(Some(self.pos));
                                }
                                self.lex = Lex::Tag {
                                    end_tag,
                                    quote: Some(c),
                                };
                            }
                            None => {
                                self.pos = buf.len();
                                return Ok(None);
                            }
                        },
                    }
                }
                Lex::Bang => match memchr::memchr(b'>', &buf[self.pos..]) {
                    Some(i) => {
                        self.pos += i + 1;
                        return Ok(Some(self.pos));
                    }
                    None => {
                        self.pos = buf.len();
                        return Ok(None);
                    }
                },
                Lex::Comment | Lex::CData | Lex::Pi => {
                    let close: &[u8] = match self.lex {
                        Lex::Comment => b"-->",
                        Lex::CData => b"]]>",
                        _ => b"?>",
                    };
                    match memchr::memmem::find(&buf[self.pos..], close) {
                        Some(i) => {
                            self.pos += i + close.len();
                            return Ok(Some(self.pos));
                        }
                        None => {
                            // Keep the last bytes: the terminator may be split.
                            let keep = close.len() - 1;
                            let min = self.token + 2;
                            self.pos = buf.len().saturating_sub(keep).max(min).max(self.pos);
                            return Ok(None);
                        }
                    }
                }
            }
        }
    }

    /// Acts on the markup token `buf[token..end]`.
    fn token_done(
        &mut self,
        buf: &mut BytesMut,
        end: usize,
    ) -> Result<Option<JunosEvent>, StreamError> {
        let lex = self.lex;
        self.lex = Lex::Text;
        let start = self.token;
        if self.depth > 0 {
            match lex {
                Lex::Tag { end_tag: true, .. } => self.depth -= 1,
                Lex::Tag { end_tag: false, .. } if buf[end - 2] != b'/' => {
                    self.depth += 1;
                    if self.depth > self.limits.max_depth {
                        return Err(XmlError::TooDeep {
                            offset: self.at(start),
                            limit: self.limits.max_depth,
                        }
                        .into());
                    }
                }
                _ => {}
            }
            if self.depth == 0 {
                return Ok(Some(self.element(buf, end)));
            }
            return Ok(None);
        }
        // Depth 0: between children, or before the session.
        match lex {
            Lex::Comment => {}
            Lex::CData => {
                return Err(StreamError::TextOutsideElement {
                    offset: self.at(start),
                });
            }
            Lex::Pi => {
                let pi = &buf[start..end];
                let is_decl = pi.len() > 6 && &pi[..5] == b"<?xml" && is_ws(pi[5]);
                if is_decl {
                    if self.phase != Phase::Prolog
                        || self.saw_declaration
                        || self.consumed > 0
                        || start > 0
                    {
                        return Err(XmlError::BadDeclaration {
                            offset: self.at(start),
                            detail: "it must be the first thing in the stream".into(),
                        }
                        .into());
                    }
                    let decl = read_declaration(pi).map_err(|e| e.shifted(self.at(start)))?;
                    self.saw_declaration = true;
                    self.consume(buf, end);
                    return Ok(Some(JunosEvent::Declaration(decl)));
                }
            }
            Lex::Tag { end_tag: true, .. } => {
                let name = tag_name(&buf[start + 2..end - 1]);
                if self.phase == Phase::Session && name == b"junoscript" {
                    self.consume(buf, end);
                    self.phase = Phase::Ended;
                    return Ok(Some(JunosEvent::SessionEnd));
                }
                return Err(StreamError::UnexpectedEndTag {
                    offset: self.at(start),
                    found: String::from_utf8_lossy(name).into_owned(),
                });
            }
            Lex::Tag { end_tag: false, .. } if self.phase == Phase::Prolog => {
                let name = tag_name(&buf[start + 1..end - 1]);
                if name != b"junoscript" {
                    return Err(StreamError::NotJunoscript {
                        offset: self.at(start),
                        found: crate::xml::clip(&String::from_utf8_lossy(name)),
                    });
                }
                let parsed = SessionStart::parse(&buf[start..end], &self.limits)
                    .map_err(|e| e.shifted(self.at(start)))?;
                let mut parsed = parsed;
                if !self.saw_declaration {
                    parsed.violations.insert(
                        0,
                        Violation::new(
                            rules::DECLARATION_MISSING,
                            Scope::Session,
                            "no <?xml ...?> before <junoscript>",
                        )
                        .warning(),
                    );
                }
                self.scope = parsed.message.scope();
                self.pending_end = buf[end - 2] == b'/';
                self.phase = Phase::Session;
                self.consume(buf, end);
                return Ok(Some(JunosEvent::SessionStart(parsed)));
            }
            Lex::Tag { end_tag: false, .. } => {
                if buf[end - 2] == b'/' {
                    return Ok(Some(self.element(buf, end)));
                }
                self.depth = 1;
            }
            _ => {}
        }
        if self.depth == 0 {
            self.consume(buf, end);
        }
        Ok(None)
    }

    /// Cuts the complete child `buf[token..end]` (token is 0: text before it
    /// was consumed) and parses it.
    fn element(&mut self, buf: &mut BytesMut, end: usize) -> JunosEvent {
        let offset = self.consumed;
        let raw = buf.split_to(end).freeze();
        self.consumed += end as u64;
        self.pos = 0;
        self.token = 0;
        self.depth = 0;
        let parsed =
            parse_message_bytes(&raw, &self.scope, &self.limits).map_err(|e| e.shifted(offset));
        let parsed = parsed.map(|mut p| {
            for v in &mut p.violations {
                if let Some(s) = &mut v.span {
                    s.start += offset;
                    s.end += offset;
                }
            }
            p
        });
        JunosEvent::Element {
            offset,
            raw,
            parsed,
        }
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The name at the start of a tag's content.
fn tag_name(content: &[u8]) -> &[u8] {
    let end = content
        .iter()
        .position(|b| is_ws(*b) || *b == b'/' || *b == b'>')
        .unwrap_or(content.len());
    &content[..end]
}

/// Reads `<?xml ...?>` through the hardened reader.
fn read_declaration(pi: &[u8]) -> Result<Declaration, XmlError> {
    let mut doc = pi.to_vec();
    doc.extend_from_slice(b"<x/>");
    let mut r = XmlReader::new(&doc, &XmlLimits::default())?;
    while !matches!(r.next_event()?, XmlEvent::Eof) {}
    r.declaration().cloned().ok_or(XmlError::BadDeclaration {
        offset: 0,
        detail: "not an XML declaration".into(),
    })
}
