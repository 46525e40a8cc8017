//! The rules a JSON-RPC 2.0 peer (and an NSO JSON-RPC peer) can break.
//!
//! Each rule has one stable id for reports, snapshots and scenario
//! expectations. References name the section of the JSON-RPC 2.0
//! specification (jsonrpc.org/specification), of RFC 8259, or the NSO
//! JSON-RPC API manual where the rule is written.

use crate::violation::Rule;

/// The `jsonrpc` member is missing.
pub const JSONRPC_MISSING: Rule = Rule {
    id: "jsonrpc-missing",
    reference: "JSON-RPC 2.0 §4",
    summary: "every request and response carries \"jsonrpc\": \"2.0\"",
};

/// The `jsonrpc` member is present but is not exactly the string `"2.0"`.
pub const JSONRPC_VERSION: Rule = Rule {
    id: "jsonrpc-version",
    reference: "JSON-RPC 2.0 §4",
    summary: "the jsonrpc member is exactly the string \"2.0\"",
};

/// An id that is an object, an array or a boolean.
pub const ID_TYPE: Rule = Rule {
    id: "id-type",
    reference: "JSON-RPC 2.0 §4",
    summary: "an id is a string, a number or null",
};

/// A numeric id with a fractional part or an exponent.
pub const ID_FRACTIONAL: Rule = Rule {
    id: "id-fractional",
    reference: "JSON-RPC 2.0 §4",
    summary: "numeric ids should not contain fractional parts",
};

/// A null id in a request, or in a successful response.
pub const ID_NULL: Rule = Rule {
    id: "id-null",
    reference: "JSON-RPC 2.0 §4",
    summary: "a null id is discouraged: it is the id of replies to unreadable requests",
};

/// A response without an `id` member.
pub const RESPONSE_ID_MISSING: Rule = Rule {
    id: "response-id-missing",
    reference: "JSON-RPC 2.0 §5",
    summary: "every response carries the id of its request (null if it could not be read)",
};

/// A request whose `method` member is missing or is not a string.
pub const METHOD_TYPE: Rule = Rule {
    id: "method-type",
    reference: "JSON-RPC 2.0 §4",
    summary: "a request carries a method member that is a string",
};

/// A method name starting with `rpc.`.
pub const METHOD_RESERVED: Rule = Rule {
    id: "method-reserved",
    reference: "JSON-RPC 2.0 §4",
    summary: "method names starting with \"rpc.\" are reserved for rpc-internal methods",
};

/// `params` that is neither an object nor an array.
pub const PARAMS_TYPE: Rule = Rule {
    id: "params-type",
    reference: "JSON-RPC 2.0 §4.2",
    summary: "params, when present, is a structured value: an object or an array",
};

/// `params` given as an array to NSO, which takes parameters by name only.
pub const NSO_PARAMS_ARRAY: Rule = Rule {
    id: "nso-params-array",
    reference: "NSO JSON-RPC API",
    summary: "NSO takes params by name: an object, never an array (rpc.method.invalid_params)",
};

/// A request member (e.g. `th`) NSO reads as an integer holds something else.
pub const NSO_INTEGER_PARAM: Rule = Rule {
    id: "nso-integer-param",
    reference: "NSO JSON-RPC API",
    summary: "integer params (th, qh, nr, ...) are plain integers (else rpc.method.invalid_params_type)",
};

/// A top-level request or response value that is not an object.
pub const NOT_AN_OBJECT: Rule = Rule {
    id: "not-an-object",
    reference: "JSON-RPC 2.0 §4",
    summary: "a request or response is a JSON object (or a batch array of them)",
};

/// A member the specification does not define for this object.
pub const UNKNOWN_MEMBER: Rule = Rule {
    id: "unknown-member",
    reference: "JSON-RPC 2.0 §4",
    summary: "requests carry jsonrpc, method, params, id; responses jsonrpc, result or error, id",
};

/// A response with both `result` and `error`.
pub const RESULT_AND_ERROR: Rule = Rule {
    id: "result-and-error",
    reference: "JSON-RPC 2.0 §5",
    summary: "a response carries result or error, never both",
};

/// A response with neither `result` nor `error`.
pub const RESULT_OR_ERROR_MISSING: Rule = Rule {
    id: "result-or-error-missing",
    reference: "JSON-RPC 2.0 §5",
    summary: "a response carries exactly one of result and error",
};

/// An `error` member that is not an object.
pub const ERROR_NOT_OBJECT: Rule = Rule {
    id: "error-not-object",
    reference: "JSON-RPC 2.0 §5.1",
    summary: "the error member is an object with code and message",
};

/// An error object whose `code` is missing or is not an integer.
pub const ERROR_CODE_INTEGER: Rule = Rule {
    id: "error-code-integer",
    reference: "JSON-RPC 2.0 §5.1",
    summary: "an error object carries a code that is an integer",
};

/// An error code in the reserved range -32768..=-32000 that the
/// specification does not define.
pub const ERROR_CODE_RESERVED: Rule = Rule {
    id: "error-code-reserved",
    reference: "JSON-RPC 2.0 §5.1",
    summary: "codes -32768..-32100 other than -32700 and -32600..-32603 are reserved",
};

/// An error object whose `message` is missing or is not a string.
pub const ERROR_MESSAGE: Rule = Rule {
    id: "error-message",
    reference: "JSON-RPC 2.0 §5.1",
    summary: "an error object carries a message that is a string",
};

/// An NSO error object without a `type` token.
pub const NSO_ERROR_TYPE_MISSING: Rule = Rule {
    id: "nso-error-type-missing",
    reference: "NSO JSON-RPC API",
    summary: "NSO errors carry a type token (e.g. rpc.method.failed) as a string",
};

/// An NSO error `type` token that is not in the documented list.
pub const NSO_ERROR_TYPE_UNKNOWN: Rule = Rule {
    id: "nso-error-type-unknown",
    reference: "NSO JSON-RPC API",
    summary: "NSO error type tokens come from the documented list",
};

/// An NSO `rpc.method.*params*` error without `data.param`.
pub const NSO_ERROR_PARAM_MISSING: Rule = Rule {
    id: "nso-error-param-missing",
    reference: "NSO JSON-RPC API",
    summary: "params errors name the offending param in data.param (clients read it)",
};

/// An empty batch `[]`.
pub const BATCH_EMPTY: Rule = Rule {
    id: "batch-empty",
    reference: "JSON-RPC 2.0 §6",
    summary: "a batch holds at least one request; [] is answered by one Invalid Request error",
};

/// A response whose id matches no outstanding request.
pub const RESPONSE_ID_UNKNOWN: Rule = Rule {
    id: "response-id-unknown",
    reference: "JSON-RPC 2.0 §5",
    summary: "a response id is the id of a request that was sent",
};

/// Two responses for the same request id.
pub const RESPONSE_ID_DUPLICATE: Rule = Rule {
    id: "response-id-duplicate",
    reference: "JSON-RPC 2.0 §6",
    summary: "each request is answered once",
};

/// A request with an id that got no response.
pub const RESPONSE_MISSING: Rule = Rule {
    id: "response-missing",
    reference: "JSON-RPC 2.0 §6",
    summary: "every request with an id gets a response; notifications get none",
};

/// A name that appears twice in one object.
pub const DUPLICATE_KEY: Rule = Rule {
    id: "duplicate-key",
    reference: "RFC 8259 §4",
    summary: "names within an object should be unique (parsers disagree on which one wins)",
};

/// A number outside the range of an IEEE 754 double.
pub const NUMBER_OUT_OF_RANGE: Rule = Rule {
    id: "number-out-of-range",
    reference: "RFC 8259 §6",
    summary: "numbers beyond the double range are not read the same by every parser",
};

/// Every rule this module checks, for listings and documentation.
pub const ALL: &[Rule] = &[
    JSONRPC_MISSING,
    JSONRPC_VERSION,
    ID_TYPE,
    ID_FRACTIONAL,
    ID_NULL,
    RESPONSE_ID_MISSING,
    METHOD_TYPE,
    METHOD_RESERVED,
    PARAMS_TYPE,
    NSO_PARAMS_ARRAY,
    NSO_INTEGER_PARAM,
    NOT_AN_OBJECT,
    UNKNOWN_MEMBER,
    RESULT_AND_ERROR,
    RESULT_OR_ERROR_MISSING,
    ERROR_NOT_OBJECT,
    ERROR_CODE_INTEGER,
    ERROR_CODE_RESERVED,
    ERROR_MESSAGE,
    NSO_ERROR_TYPE_MISSING,
    NSO_ERROR_TYPE_UNKNOWN,
    NSO_ERROR_PARAM_MISSING,
    BATCH_EMPTY,
    RESPONSE_ID_UNKNOWN,
    RESPONSE_ID_DUPLICATE,
    RESPONSE_MISSING,
    DUPLICATE_KEY,
    NUMBER_OUT_OF_RANGE,
];
