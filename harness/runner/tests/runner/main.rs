//! Integration tests of the scenario runner: parsing and its errors,
//! running the suite against the built-in device, snapshots, reports.

mod bytes;
mod grpc;
mod https;
mod jet;
mod jsonrpc;
mod netconfd;
mod parse;
mod schema;
mod suite;
mod unreferenced;
