//! Integration tests of the simulated device model.

mod confirmed;
mod device;
mod faults;
mod filters;
mod firewall;
mod grpc;
mod jet;
mod jsonrpc;
mod junos;
mod locks;
mod modules;
mod netconf_errors;
mod notifications;
mod props;
mod seed001;
mod serve;
mod support;
