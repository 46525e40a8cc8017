//! The session-level rules a peer can break: hello order, capability
//! negotiation, reply correlation, and the end of a session.

use crate::Rule;

/// A message other than `<hello>` arrived before the peer's hello.
pub const MESSAGE_BEFORE_HELLO: Rule = Rule {
    id: "message-before-hello",
    reference: "RFC 6241 §8.1",
    summary: "each peer sends <hello> as its first message",
};

/// The peer sent a second `<hello>`.
pub const HELLO_REPEATED: Rule = Rule {
    id: "hello-repeated",
    reference: "RFC 6241 §8.1",
    summary: "each peer sends exactly one <hello>, at the start of the session",
};

/// The two hellos share no base protocol version.
pub const NO_COMMON_BASE: Rule = Rule {
    id: "no-common-base",
    reference: "RFC 6241 §8.1",
    summary: "both peers announce a common base capability (base:1.0 or base:1.1); otherwise the session ends",
};

/// An `<rpc-reply>` whose message-id matches no outstanding `<rpc>`.
pub const UNKNOWN_MESSAGE_ID: Rule = Rule {
    id: "unknown-message-id",
    reference: "RFC 6241 §4.2",
    summary: "an <rpc-reply> carries the message-id of an <rpc> the client sent and has not seen answered",
};

/// A second `<rpc-reply>` for an `<rpc>` that was already answered.
pub const DUPLICATE_REPLY: Rule = Rule {
    id: "duplicate-reply",
    reference: "RFC 6241 §4.2",
    summary: "each <rpc> is answered by exactly one <rpc-reply>",
};

/// An `<rpc-reply>` without a message-id: it cannot be matched to its `<rpc>`.
pub const REPLY_WITHOUT_MESSAGE_ID: Rule = Rule {
    id: "reply-without-message-id",
    reference: "RFC 6241 §4.2",
    summary: "an <rpc-reply> carries the message-id attribute of the <rpc> it answers",
};

/// A message the peer's role never sends: a server sending `<rpc>`, or a
/// client sending `<rpc-reply>` or `<notification>`.
pub const WRONG_DIRECTION: Rule = Rule {
    id: "wrong-direction",
    reference: "RFC 6241 §4.1",
    summary: "clients send <rpc>; servers send <rpc-reply> and <notification>",
};

/// Bytes after the session was closed by `<close-session>`.
pub const DATA_AFTER_CLOSE: Rule = Rule {
    id: "data-after-close",
    reference: "RFC 6241 §7.8",
    summary: "after replying <ok/> to <close-session> the server sends nothing more and closes the session",
};

/// The peer's hello did not arrive within the hello timeout.
pub const HELLO_TIMEOUT: Rule = Rule {
    id: "hello-timeout",
    reference: "RFC 6241 §8.1",
    summary: "each peer sends <hello> as soon as the session opens",
};

/// An `<rpc-error>` with error-tag malformed-message in a session that did
/// not negotiate base:1.1: the tag is new in base:1.1 and a base:1.0 peer
/// does not know it (a server answers such a client with operation-failed).
pub const MALFORMED_MESSAGE_TO_BASE10: Rule = Rule {
    id: "malformed-message-to-base10",
    reference: "RFC 6241 Appendix A",
    summary: "error-tag malformed-message is new in base:1.1 and is not sent in a base:1.0 session",
};

/// Every session rule, in the order above.
pub const RULES: &[Rule] = &[
    MESSAGE_BEFORE_HELLO,
    HELLO_REPEATED,
    NO_COMMON_BASE,
    UNKNOWN_MESSAGE_ID,
    DUPLICATE_REPLY,
    REPLY_WITHOUT_MESSAGE_ID,
    WRONG_DIRECTION,
    DATA_AFTER_CLOSE,
    HELLO_TIMEOUT,
    MALFORMED_MESSAGE_TO_BASE10,
];
