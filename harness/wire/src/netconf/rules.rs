//! The RFC 6241 / RFC 5277 content rules the message parser checks.

use crate::Rule;

macro_rules! rule {
    ($(#[$doc:meta])* $name:ident, $id:literal, $reference:literal, $summary:literal) => {
        $(#[$doc])*
        pub const $name: Rule = Rule {
            id: $id,
            reference: $reference,
            summary: $summary,
        };
    };
}

rule!(
    /// Messages are UTF-8.
    ENCODING_NOT_UTF8,
    "encoding-not-utf8",
    "RFC 6241 §3",
    "NETCONF messages are encoded in UTF-8"
);
rule!(
    /// Protocol elements are in the base namespace.
    BASE_NAMESPACE,
    "base-namespace",
    "RFC 6241 §3.1",
    "NETCONF protocol elements are in urn:ietf:params:xml:ns:netconf:base:1.0"
);
rule!(
    /// Element-only content carries no character data.
    ELEMENT_ONLY_CONTENT,
    "element-only-content",
    "RFC 6241 Appendix B",
    "hello, capabilities, rpc, rpc-reply, rpc-error and error-info hold elements, not text"
);
rule!(
    /// Unknown children of a protocol element.
    UNKNOWN_ELEMENT,
    "unknown-protocol-element",
    "RFC 6241 Appendix B",
    "protocol elements hold only the children the schema defines"
);
rule!(
    /// `<rpc>` needs `message-id`.
    RPC_MISSING_MESSAGE_ID,
    "rpc-missing-message-id",
    "RFC 6241 §4.1",
    "an <rpc> carries a message-id attribute (a server answers rpc-error missing-attribute)"
);
rule!(
    /// `<rpc>` holds one operation.
    RPC_NO_OPERATION,
    "rpc-no-operation",
    "RFC 6241 §4.1",
    "an <rpc> holds the operation to invoke as its one child element"
);
rule!(
    /// `<rpc>` holds only one operation.
    RPC_EXTRA_OPERATION,
    "rpc-extra-operation",
    "RFC 6241 §4.1",
    "an <rpc> holds exactly one operation element"
);
rule!(
    /// An `<rpc>` envelope used as the operation of another.
    RPC_NESTED,
    "rpc-nested-envelope",
    "RFC 6241 §4.1",
    "the operation inside an <rpc> is not itself an <rpc>"
);
rule!(
    /// Operations are namespace-qualified.
    OPERATION_NO_NAMESPACE,
    "operation-no-namespace",
    "RFC 6241 §3.1",
    "the operation element is in a namespace (base or a module's)"
);
rule!(
    /// `<rpc-reply>` echoes `message-id`.
    REPLY_MISSING_MESSAGE_ID,
    "rpc-reply-missing-message-id",
    "RFC 6241 §4.2",
    "an <rpc-reply> carries the message-id of the <rpc> it answers"
);
rule!(
    /// `<ok/>` only when no data is returned.
    REPLY_OK_WITH_DATA,
    "rpc-reply-ok-with-data",
    "RFC 6241 §4.4",
    "<ok/> is sent only when no data is returned"
);
rule!(
    /// `<ok/>` only when no error or warning occurred.
    REPLY_OK_WITH_ERROR,
    "rpc-reply-ok-with-rpc-error",
    "RFC 6241 §4.4",
    "<ok/> is sent only if no errors or warnings occurred"
);
rule!(
    /// One `<ok/>`.
    REPLY_DUPLICATE_OK,
    "rpc-reply-duplicate-ok",
    "RFC 6241 §4.4",
    "an <rpc-reply> holds at most one <ok/>"
);
rule!(
    /// `<ok/>` is empty.
    REPLY_OK_NOT_EMPTY,
    "rpc-reply-ok-not-empty",
    "RFC 6241 §4.4",
    "<ok/> is an empty element"
);
rule!(
    /// A reply says something.
    REPLY_EMPTY,
    "rpc-reply-empty",
    "RFC 6241 §4.2",
    "an <rpc-reply> holds <ok/>, data, or one or more <rpc-error>"
);
rule!(
    /// error-type, error-tag and error-severity are mandatory.
    ERROR_MISSING_FIELD,
    "rpc-error-missing-field",
    "RFC 6241 §4.3",
    "an <rpc-error> holds error-type, error-tag and error-severity"
);
rule!(
    /// error-type values.
    UNKNOWN_ERROR_TYPE,
    "unknown-error-type",
    "RFC 6241 §4.3",
    "error-type is transport, rpc, protocol or application"
);
rule!(
    /// error-tag values.
    UNKNOWN_ERROR_TAG,
    "unknown-error-tag",
    "RFC 6241 Appendix A",
    "error-tag is one of the values Appendix A lists"
);
rule!(
    /// error-severity values.
    UNKNOWN_ERROR_SEVERITY,
    "unknown-error-severity",
    "RFC 6241 §4.3",
    "error-severity is error or warning"
);
rule!(
    /// Each error-tag allows only some error-types.
    ERROR_TAG_TYPE,
    "error-tag-type-mismatch",
    "RFC 6241 Appendix A",
    "each error-tag is used only with the error-types Appendix A lists for it"
);
rule!(
    /// Some error-tags require error-info children.
    ERROR_INFO_MISSING,
    "error-info-missing",
    "RFC 6241 Appendix A",
    "error-tags such as missing-attribute, bad-element or lock-denied carry the error-info Appendix A lists"
);
rule!(
    /// Peers announce a base capability.
    HELLO_NO_BASE,
    "hello-missing-base-capability",
    "RFC 6241 §8.1",
    "each peer's <hello> announces a base capability: urn:ietf:params:netconf:base:1.1 (base:1.0 from RFC 4741 peers)"
);
rule!(
    /// `<hello>` holds `<capabilities>`.
    HELLO_NO_CAPABILITIES,
    "hello-missing-capabilities",
    "RFC 6241 §8.1",
    "a <hello> holds a <capabilities> element with at least one <capability>"
);
rule!(
    /// A capability is a URI.
    CAPABILITY_NOT_URI,
    "capability-not-uri",
    "RFC 6241 §8.1",
    "each <capability> holds a URI"
);
rule!(
    /// session-id is a uint32 of at least 1.
    HELLO_BAD_SESSION_ID,
    "hello-bad-session-id",
    "RFC 6241 §8.1",
    "session-id is a number from 1 to 4294967295"
);
rule!(
    /// Clients send no session-id.
    HELLO_CLIENT_SESSION_ID,
    "hello-client-session-id",
    "RFC 6241 §8.1",
    "a client's <hello> carries no <session-id> (the server closes the session)"
);
rule!(
    /// Servers send a session-id.
    HELLO_SERVER_NO_SESSION_ID,
    "hello-server-missing-session-id",
    "RFC 6241 §8.1",
    "a server's <hello> carries its <session-id>"
);
rule!(
    /// Notifications are in the RFC 5277 namespace.
    NOTIFICATION_NAMESPACE,
    "notification-namespace",
    "RFC 5277 §4",
    "<notification> is in urn:ietf:params:xml:ns:netconf:notification:1.0"
);
rule!(
    /// Notifications start with eventTime.
    NOTIFICATION_EVENT_TIME,
    "notification-missing-event-time",
    "RFC 5277 §4",
    "a <notification> starts with <eventTime>"
);
rule!(
    /// eventTime is a date-time.
    NOTIFICATION_BAD_EVENT_TIME,
    "notification-bad-event-time",
    "RFC 5277 §4",
    "eventTime is an RFC 3339 date-time such as 2007-07-08T00:01:00Z"
);
rule!(
    /// A notification carries its event.
    NOTIFICATION_NO_EVENT,
    "notification-missing-event",
    "RFC 5277 §4",
    "a <notification> holds the event content after <eventTime>"
);
