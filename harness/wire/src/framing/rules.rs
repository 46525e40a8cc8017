//! The framing rules a peer can break, one `pub const` each.
//!
//! Every [`Violation`](crate::Violation) the framing decoders report names one
//! of these. [`RULES`] lists them all, for `confuzz decode` and for reports.

use crate::violation::Rule;

/// A chunk-size of 0 (`\n#0\n`): the ABNF starts chunk-size with DIGIT1.
pub const CHUNK_SIZE_ZERO: Rule = Rule {
    id: "chunk-size-zero",
    reference: "RFC 6242 §4.2",
    summary: "chunk-size is at least 1",
};

/// A chunk-size with a leading zero (`\n#007\n`).
pub const CHUNK_SIZE_LEADING_ZERO: Rule = Rule {
    id: "chunk-size-leading-zero",
    reference: "RFC 6242 §4.2",
    summary: "chunk-size starts with a non-zero digit (DIGIT1)",
};

/// A chunk-size above 4294967295 (`\n#4294967296\n`, `\n#99999999999\n`).
pub const CHUNK_SIZE_TOO_LARGE: Rule = Rule {
    id: "chunk-size-too-large",
    reference: "RFC 6242 §4.2",
    summary: "chunk-size is at most 4294967295",
};

/// A chunk-size that is not all decimal digits up to its LF (`\n#12a\n`, `\n#\n`, `\n#-1\n`).
pub const CHUNK_SIZE_NOT_DIGIT: Rule = Rule {
    id: "chunk-size-not-digit",
    reference: "RFC 6242 §4.2",
    summary: "chunk-size is decimal digits ended by LF",
};

/// A chunked message, chunk or end-of-chunks marker that does not start with `\n#`
/// (an XML message with no chunk header, chunk data longer than its chunk-size).
pub const CHUNK_HEADER_START: Rule = Rule {
    id: "chunk-header-start",
    reference: "RFC 6242 §4.2",
    summary: "each chunk and the end-of-chunks marker start with LF HASH",
};

/// The next chunk's `#` follows chunk data with no LF before it.
pub const CHUNK_MISSING_LF: Rule = Rule {
    id: "chunk-missing-lf",
    reference: "RFC 6242 §4.2",
    summary: "a chunk header after chunk data starts with LF before HASH",
};

/// `\n##\n` with no chunk before it: a chunked message has at least one chunk.
pub const END_OF_CHUNKS_WITHOUT_CHUNK: Rule = Rule {
    id: "end-of-chunks-without-chunk",
    reference: "RFC 6242 §4.2",
    summary: "a chunked message has at least one chunk before end-of-chunks",
};

/// `\n##` followed by something other than LF.
pub const END_OF_CHUNKS_MALFORMED: Rule = Rule {
    id: "end-of-chunks-malformed",
    reference: "RFC 6242 §4.2",
    summary: "end-of-chunks is LF HASH HASH LF",
};

/// The stream ends inside a chunked message: in a chunk header, in chunk data
/// (the header promised more bytes than arrived), or before `\n##\n`.
pub const CHUNKED_TRUNCATED: Rule = Rule {
    id: "chunked-truncated",
    reference: "RFC 6242 §4.2",
    summary: "a chunked message is complete: every chunk has its chunk-size bytes and end-of-chunks follows",
};

/// The stream ends with bytes that no `]]>]]>` closes.
pub const EOM_TRUNCATED: Rule = Rule {
    id: "eom-truncated",
    reference: "RFC 6242 §4.3",
    summary: "every message in end-of-message framing is followed by ]]>]]>",
};

/// Bytes after the last message at the end of the stream that start no message
/// (only whitespace: a warning).
pub const TRAILING_BYTES: Rule = Rule {
    id: "trailing-bytes",
    reference: "RFC 6242 §4.1",
    summary: "the stream ends at a message boundary",
};

/// A chunk header where end-of-message framing is in force: a hello sent
/// chunked, or chunked framing used before both hellos announced base:1.1.
pub const CHUNK_IN_EOM_FRAMING: Rule = Rule {
    id: "chunk-in-eom-framing",
    reference: "RFC 6242 §4.1",
    summary: "hellos, and every message until both peers announced base:1.1, end with ]]>]]>",
};

/// An end-of-message framed message (starting with `<`) after both peers
/// announced base:1.1 and chunked framing is in force.
pub const EOM_IN_CHUNKED_FRAMING: Rule = Rule {
    id: "eom-in-chunked-framing",
    reference: "RFC 6242 §4.1",
    summary: "once both peers announced base:1.1, every message is chunked",
};

/// Every framing rule, in the order of the list above.
pub const RULES: &[Rule] = &[
    CHUNK_SIZE_ZERO,
    CHUNK_SIZE_LEADING_ZERO,
    CHUNK_SIZE_TOO_LARGE,
    CHUNK_SIZE_NOT_DIGIT,
    CHUNK_HEADER_START,
    CHUNK_MISSING_LF,
    END_OF_CHUNKS_WITHOUT_CHUNK,
    END_OF_CHUNKS_MALFORMED,
    CHUNKED_TRUNCATED,
    EOM_TRUNCATED,
    TRAILING_BYTES,
    CHUNK_IN_EOM_FRAMING,
    EOM_IN_CHUNKED_FRAMING,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_kebab_case_and_reference_rfc_6242() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len(), "duplicate rule id");
        for r in RULES {
            assert!(
                r.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{} is not kebab-case",
                r.id
            );
            assert!(r.reference.starts_with("RFC 6242 §4."), "{}", r.reference);
        }
    }
}
