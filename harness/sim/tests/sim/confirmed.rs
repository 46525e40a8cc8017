//! confirmed
