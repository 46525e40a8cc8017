//! Juniper JET notifications: the `jet-event` JSON and the MQTT topic tree.
//!
//! JET publishes device events through an MQTT broker on the device (port
//! 1883): kernel (rtsock) events under `/junos/events/kernel/...` and syslog
//! events under `/junos/events/syslog/<event-id>`. Each message is a JSON
//! `jet-event` with a common header (event-id, hostname, time, severity,
//! facility) and family-specific attributes.
//!
//! ```text
//!  publisher                                   subscriber
//!  KernelAttributes::topic(op) ─► "/junos/events/kernel/interfaces/ifd/add/ge-0/0/0"
//!  KernelAttributes::event(op) ─► {"jet-event": {...}}  ─► parse_event ─► Parsed<JetEvent>
//!  Topic::ifd(ALL, None)       ─► "/junos/events/kernel/interfaces/ifd/+/#"  topic_matches(filter, name)
//! ```
//!
//! [`topic`] holds the tree, its parser and writer, the builders with the JET
//! client library's defaults, and MQTT 3.1.1 §4.7 filter matching.
//! [`kernel`] holds event ids, each family's attributes and the builders of
//! event bodies. Parsing is lenient like [`crate::jsonrpc`]: broken rules are
//! violations (see [`rules`]), and JSON that cannot be read is a [`JetError`].

mod builders;
pub mod event;
pub mod fuzz;
pub mod kernel;
pub mod mqtt;
pub mod rules;
pub mod topic;

pub use event::{EventOptions, JetEvent, parse_event, parse_event_with};
pub use kernel::{
    Family, FirewallAttributes, IfaAttributes, IfdAttributes, IffAttributes, IflAttributes,
    KernelAttributes, RouteAttributes, RouteTableAttributes, kernel_event_id,
    parse_kernel_event_id, syslog_event,
};
pub use mqtt::{MAX_TOPIC_LEN, topic_matches, validate_topic_filter, validate_topic_name};
pub use topic::{ADD, ALL, ANY_INTERFACE, CHANGE, DELETE, Op, Sel, Topic, TopicError, parse_topic};

use crate::jsonrpc::JsonRpcError;

/// An event that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JetError {
    /// The bytes are not acceptable JSON (too large, not UTF-8, too deep,
    /// lone surrogate, syntax).
    #[error(transparent)]
    Json(#[from] JsonRpcError),
    /// The JSON is not an object, so it cannot hold an event.
    #[error("an event is a JSON object ({{\"jet-event\": {{...}}}}), not {found}")]
    NotAnObject {
        /// What was found, e.g. "an array".
        found: &'static str,
    },
}
