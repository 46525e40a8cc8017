//! JET notifications of the simulated device: the `jet-event`s a commit
//! produces, on the topic tree of Juniper's JET guide.
//!
//! The device has no kernel; what its kernel would announce is read from
//! the running configuration. After each commit the objects in force before
//! and after are compared ([`objects`]) and every difference becomes a
//! kernel event ([`events`]):
//!
//! ```text
//!   CommitChange (before, record) ─► objects(before), objects(after)
//!        ─► delete / add / change per object ─► KERNEL_EVENT_<FAMILY>_<OP>
//!        ─► UI_COMMIT_COMPLETED (syslog)      ─► [Published] (topic, event)
//! ```
//!
//! | configuration                                     | family   | topic name after the operation |
//! | ------------------------------------------------- | -------- | ------------------------------ |
//! | `interfaces interface NAME`                       | IFD      | `NAME`                         |
//! | `... unit N`                                      | IFL      | `NAME.N`                       |
//! | `... unit N family F`                             | IFF      | `NAME.N/F`                     |
//! | `... family F address A/L`                        | IFA      | `NAME.N/F/A/32`                |
//! | `firewall [family F] filter NAME`                 | firewall | `NAME`                         |
//! | `routing-options rib T` (T not inet.0 or inet6.0) | route-table | `T/default`                 |
//! | `routing-instances NAME`                          | route-table | `NAME.inet.0/default`       |
//! | `[routing-instances NAME] routing-options [rib T] static route P/L` | route | `inet/P/L`     |
//!
//! Like [`crate::device`], this module does no IO: publishing is
//! [`crate::serve::mqtt`]'s.

pub mod configured;
pub mod events;
pub mod mgmt;
pub mod objects;

pub use events::{
    CommitEvents, EventContext, MAX_EVENTS, Published, configured_hostname, events_between,
    events_for_commit, jet_time,
};
pub use objects::{KernelObject, ObjectKey, Objects, address_parts, snmp_id};
