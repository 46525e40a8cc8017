//! The rules a JET notification publisher can break.
//!
//! "JET Notification API" is the notification chapter of Juniper's JET API
//! guide: the `jet-event` JSON (header plus attributes) and the topic table.
//! JSON-level rules (repeated names, numbers out of range) are the ones in
//! [`crate::jsonrpc::rules`].

use crate::violation::Rule;

/// The event is not wrapped in a `jet-event` member.
pub const EVENT_WRAPPER: Rule = Rule {
    id: "jet-event-wrapper",
    reference: "JET Notification API",
    summary: "a notification is an object whose one member is \"jet-event\"",
};

/// A header field or `attributes` is missing.
pub const FIELD_MISSING: Rule = Rule {
    id: "jet-field-missing",
    reference: "JET Notification API",
    summary: "every event carries event-id, hostname, time, severity, facility and attributes",
};

/// A header field is not a string, or `attributes` is not an object.
pub const FIELD_TYPE: Rule = Rule {
    id: "jet-field-type",
    reference: "JET Notification API",
    summary: "header fields are strings and attributes is an object",
};

/// A member the event format does not define.
pub const UNKNOWN_MEMBER: Rule = Rule {
    id: "jet-unknown-member",
    reference: "JET Notification API",
    summary: "events carry only the documented header fields and attributes",
};

/// A kernel event whose severity is not info or whose facility is not KERNEL.
pub const KERNEL_HEADER: Rule = Rule {
    id: "jet-kernel-header",
    reference: "JET Notification API",
    summary: "kernel (rtsock) events have severity info and facility KERNEL",
};

/// A kernel event without an attribute its family's row of the topic table lists.
pub const ATTRIBUTE_MISSING: Rule = Rule {
    id: "jet-attribute-missing",
    reference: "JET Notification API",
    summary: "kernel events carry the attributes the topic table lists for their family",
};

/// An event published on a topic of another family or operation.
pub const TOPIC_MISMATCH: Rule = Rule {
    id: "jet-topic-mismatch",
    reference: "JET Notification API",
    summary: "an event is published on the topic of its own family and operation",
};

/// Every rule this module checks.
pub const ALL: &[Rule] = &[
    EVENT_WRAPPER,
    FIELD_MISSING,
    FIELD_TYPE,
    UNKNOWN_MEMBER,
    KERNEL_HEADER,
    ATTRIBUTE_MISSING,
    TOPIC_MISMATCH,
];
