//! # confuzz-sim: the simulated device
//!
//! The built-in target of every confuzz run. This crate holds the device
//! model: datastores, locks, the commit engine and the Junos operations.
