//! junos
