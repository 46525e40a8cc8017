//! The Junos XML protocol rules the parsers check.

use crate::Rule;

macro_rules! rule {
    ($(#[$doc:meta])* $name:ident, $id:literal, $reference:literal, $summary:literal) => {
        $(#[$doc])*
        pub const $name: Rule = Rule {
            id: $id,
            reference: $reference,
            summary: $summary,
        };
    };
}

rule!(
    /// The session opens with an XML declaration.
    DECLARATION_MISSING,
    "junos-declaration-missing",
    "Junos XML protocol: session start",
    "each side opens the stream with <?xml version=\"1.0\" encoding=\"us-ascii\"?> before <junoscript>"
);
rule!(
    /// `<junoscript>` carries the protocol version.
    JUNOSCRIPT_VERSION,
    "junoscript-version",
    "Junos XML protocol: session start",
    "<junoscript> carries a version attribute (the protocol version, 1.0)"
);
rule!(
    /// Only protocol version 1.x exists.
    JUNOSCRIPT_VERSION_UNSUPPORTED,
    "junoscript-version-unsupported",
    "Junos XML protocol: session start",
    "the junoscript protocol version is 1.x; peers with another major version cannot talk"
);
rule!(
    /// The `junos` prefix names a release-specific namespace.
    JUNOS_NAMESPACE,
    "junos-namespace",
    "Junos XML protocol: <rpc-reply>",
    "xmlns:junos is http://xml.juniper.net/junos/<release>/junos"
);
rule!(
    /// An `<rpc>` holds one request.
    RPC_OPERATION,
    "junos-rpc-operation",
    "Junos XML protocol: <rpc>",
    "an <rpc> holds exactly one request element"
);
rule!(
    /// Diagnostics say what went wrong.
    XNM_MISSING_MESSAGE,
    "xnm-missing-message",
    "Junos XML protocol: <xnm:error>",
    "<xnm:error> and <xnm:warning> carry a <message>"
);
rule!(
    /// The payload of `<load-configuration>` matches its attributes.
    LOAD_PAYLOAD,
    "load-configuration-payload",
    "Junos XML protocol: <load-configuration>",
    "format=\"text\" takes <configuration-text>, action=\"set\" takes <configuration-set>, format=\"json\" takes <configuration-json>, XML takes <configuration>; rollback and url take no payload"
);
rule!(
    /// rollback names a stored configuration.
    LOAD_ROLLBACK,
    "load-configuration-rollback",
    "Junos XML protocol: <load-configuration>",
    "rollback is a number from 0 to 49"
);
rule!(
    /// confirm-timeout belongs to a confirmed commit.
    COMMIT_CONFIRM_TIMEOUT,
    "commit-confirm-timeout",
    "Junos XML protocol: <commit-configuration>",
    "<confirm-timeout> is a number of minutes from 1 to 65535 and comes with <confirmed/>"
);
rule!(
    /// Requests take only the options they define.
    UNKNOWN_OPTION,
    "unknown-request-option",
    "Junos XML API",
    "a request element holds only the options its operation defines"
);
