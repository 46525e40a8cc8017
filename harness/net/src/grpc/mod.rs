//! JET over gRPC: the generated messages and services, the connections a
//! server reads, TLS, and a typed client.
//!
//! The `.proto` files are in `harness/net/proto/` (see its README for
//! their sources); `build.rs` compiles them with `protox` and
//! `tonic-prost-build`, so no system `protoc` is needed.
//!
//! ```text
//!   JetClient ── tonic Channel (HTTP/2, optional TLS) ──► incoming() ─► Conn (ConnInfo, on_close)
//!                                                                        └─► tonic Server + services
//! ```
//!
//! - [`proto`]: the generated code, one module per protobuf package.
//! - [`server`]: [`incoming`] connections with an id and
//!   a close callback, a connection limit, TLS and a read timeout.
//! - [`client`]: the typed client, [`JetClient`].
//! - [`tls`]: rustls settings (ring, TLS 1.2+, ALPN `h2`).

pub mod client;
pub mod server;
pub mod tls;

pub use client::{ClientOptions, Config, JetClient, OpCommand, PathValue};
pub use server::{ConnInfo, OnClose, ServerLimits, incoming};
pub use tls::ServerCheck;

/// Code generated from `proto/` (one module per protobuf package).
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod proto {
    /// Juniper's packages.
    pub mod jnx {
        /// JET.
        pub mod jet {
            /// `jnx.jet.common`.
            pub mod common {
                tonic::include_proto!("jnx.jet.common");
            }
            /// `jnx.jet.authentication`.
            pub mod authentication {
                tonic::include_proto!("jnx.jet.authentication");
            }
            /// `jnx.jet.management`.
            pub mod management {
                tonic::include_proto!("jnx.jet.management");
            }
            /// `jnx.jet.firewall` (a subset; see `proto/README.md`).
            pub mod firewall {
                tonic::include_proto!("jnx.jet.firewall");
            }
            /// `jnx.jet.interfaces` (a subset; see `proto/README.md`).
            pub mod interfaces {
                tonic::include_proto!("jnx.jet.interfaces");
            }
        }
    }
    /// The older JET IDL (field numbers of `management` unverified; see
    /// `proto/README.md`).
    pub mod legacy {
        /// `authentication` (`/authentication.Login/LoginCheck`).
        pub mod authentication {
            tonic::include_proto!("authentication");
        }
        /// `management` (`/management.ManagementRpcApi/*`).
        pub mod management {
            tonic::include_proto!("management");
        }
    }
}

/// Why a JET gRPC operation failed.
#[derive(Debug, thiserror::Error)]
pub enum GrpcError {
    /// The address cannot be used.
    #[error("bad address: {0}")]
    BadAddress(String),
    /// The connection failed.
    #[error("connecting to {addr}: {message}; is the device up and its gRPC port right?")]
    Connect {
        /// Where.
        addr: String,
        /// Why.
        message: String,
    },
    /// Connecting took too long.
    #[error(
        "connecting to {addr} took longer than {timeout:?}; is the device up and the address right?"
    )]
    ConnectTimeout {
        /// Where.
        addr: String,
        /// How long we waited.
        timeout: std::time::Duration,
    },
    /// Certificates, keys or the TLS settings are unusable.
    #[error("TLS: {0}")]
    Tls(String),
    /// The call ended with a gRPC status other than OK.
    #[error("gRPC status {}: {}", .0.code(), .0.message())]
    Status(#[from] tonic::Status),
    /// The device answered with status FAILURE.
    #[error("{0}")]
    Failed(String),
    /// No complete answer within the request timeout.
    #[error(
        "no complete answer within {0:?} (raise ClientOptions::request_timeout if the device is slow)"
    )]
    Timeout(std::time::Duration),
    /// A streamed answer grew past the limit.
    #[error("the answer is larger than {0} bytes (raise ClientOptions::max_message)")]
    TooLarge(usize),
}

/// `e` and its sources, joined with `: `.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}
