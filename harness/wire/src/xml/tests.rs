//! Unit tests of the XML layer: the reader's rules and limits, the tree and
//! its writers.
