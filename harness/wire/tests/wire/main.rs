//! The one integration-test binary of `confuzz-wire`; each protocol area is a
//! module under `tests/wire/`.

mod capture;
mod corpus;
mod framing;
mod jet;
mod jsonrpc;
mod junos;
mod netconf;
mod session;
