//! The framing layer's error type.

use crate::violation::Violation;

/// Why a framing decoder or encoder gave up.
///
/// A decoder that returned an error is stopped: every later call returns the
/// same error. "Need more bytes" is never an error (`Ok(None)`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FramingError {
    /// A message is larger than the decoder's limit. Reported as soon as it is
    /// certain: at the chunk header that promises too much, or once more bytes
    /// than the limit arrived without `]]>]]>`.
    #[error(
        "message starting at byte {start} is larger than the limit of {limit} bytes; \
         raise the decoder's maximum message size if the peer legitimately sends messages this large"
    )]
    TooLarge {
        /// The limit the decoder was built with.
        limit: usize,
        /// Stream offset of the first byte of the message.
        start: u64,
    },

    /// A peer broke a framing rule and the decoder is strict.
    #[error("{0}; decode in lenient mode to record the violation and go on")]
    Violation(Violation),

    /// A chunk header went on for more digits than any chunk-size can have,
    /// even with leading zeros: the stream cannot be read as chunked framing.
    #[error(
        "chunk header at byte {at} has more than {max_digits} digits; \
         the stream is not chunked framing (check whether the peer uses end-of-message framing)"
    )]
    HeaderTooLong {
        /// Stream offset of the header's `#`.
        at: u64,
        /// The most digits a header may have.
        max_digits: usize,
    },

    /// The payload given to the end-of-message encoder would put `]]>]]>` on
    /// the wire before its end (it contains `]]>]]>`, or ends with `]]>`),
    /// ending the message early.
    #[error(
        "payload would put ]]>]]> on the wire at byte {at}, before the message ends; \
         end-of-message framing cannot carry it: escape the '>' in the XML (]]&gt;) or use chunked framing"
    )]
    DelimiterInPayload {
        /// Offset in the payload where the early delimiter would start.
        at: usize,
    },

    /// The chunked encoder was given an empty payload; a chunked message has at
    /// least one chunk of at least one byte.
    #[error(
        "cannot encode an empty payload in chunked framing: a chunked message has at least one chunk of 1 or more bytes"
    )]
    EmptyChunkedMessage,

    /// A chunked encoder was configured with a chunk size outside 1..=4294967295,
    /// or with an empty list of sizes.
    #[error(
        "invalid chunk size configuration {sizes:?}: give one or more sizes between 1 and 4294967295"
    )]
    InvalidChunkSizes {
        /// The sizes given (the first few).
        sizes: Vec<u64>,
    },
}

impl From<Violation> for FramingError {
    fn from(v: Violation) -> Self {
        FramingError::Violation(v)
    }
}
