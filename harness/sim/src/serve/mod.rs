//! Serving the device over real transports (built from `confuzz-net`).
//!
//! The device model itself is sans-IO; this module is where it meets
//! sockets and the clock:
//!
//! ```text
//!   SSH (russh) ─ subsystem netconf ──┐
//!   TCP ──────────────────────────────┼─► netconf::serve ─► SimDevice (Mutex<Device>)
//!   stdio ────────────────────────────┘        ▲  │
//!   SSH ─ exec/subsystem junoscript ─► junoscript::serve ─┘  │ notifications, kills,
//!                                                            ▼ confirmed-commit timers
//!                                             wake-ups per session (tokio Notify)
//! ```
//!
//! - [`SimDevice`]: one shared [`Device`](crate::Device) per simulated
//!   device, its timer task, and the wake-up of each connection.
//! - [`netconf`]: one NETCONF session per connection, with the fault plan
//!   applied to what it sends.
//! - [`junoscript`]: one Junos XML protocol session per connection.
//! - [`listen`]: the TCP and SSH listeners, and stdio.
//! - [`mqtt`]: JET events of every commit, published to the device's
//!   embedded MQTT broker or to an external one.
//! - [`grpc`]: the JET services (authentication, management) over gRPC.

pub mod grpc;
pub mod http;
pub mod junoscript;
pub mod listen;
pub mod mqtt;
pub mod netconf;
mod shared;

pub use listen::{SimAuth, SimSsh, serve_stdio, serve_tcp, tcp_user};
pub use shared::{CommitWatcher, SimDevice};

/// Why serving a connection ended early.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The device refused to open a session (unknown user, session limit).
    #[error(transparent)]
    Device(#[from] crate::SimError),
    /// The transport failed.
    #[error(transparent)]
    Net(#[from] confuzz_net::NetError),
}
