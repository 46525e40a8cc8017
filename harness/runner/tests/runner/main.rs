//! Integration tests of the scenario runner: parsing and its errors,
//! running the suite against the built-in device, snapshots, reports.

mod jsonrpc;
mod netconfd;
mod parse;
mod schema;
mod suite;
