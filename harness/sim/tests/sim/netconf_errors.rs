//! netconf_errors
