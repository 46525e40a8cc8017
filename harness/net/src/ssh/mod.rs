//! NETCONF over SSH (RFC 6242): server and client, built on russh.
//!
//! - [`server`]: accepts connections, authenticates users against an
//!   [`Authenticator`], and hands each `subsystem` or `exec` channel the
//!   [`SshService`] accepts to it as a byte stream.
//! - [`client`]: connects, checks the host key ([`HostKeyCheck`]),
//!   authenticates and opens a subsystem, returning a byte stream.
//! - [`hostkey`]: host keys kept on disk, and their SHA256 fingerprints.

pub mod client;
pub mod hostkey;
pub mod server;

pub use client::{ClientAuth, HostKeyCheck, SshClientConfig, SshStream, connect_ssh};
pub use hostkey::{fingerprint, load_or_create_host_key};
pub use server::{
    Authenticator, ChannelRequest, ServerChannel, SshServer, SshServerConfig, SshService,
};

pub use russh::keys::{PrivateKey, PublicKey};
