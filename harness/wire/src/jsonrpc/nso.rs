//! NSO's dialect: the error `type` tokens and the params NSO reads as integers.

use std::fmt;

macro_rules! error_types {
    ($( $(#[$doc:meta])* $variant:ident = $token:literal, $code:literal, $message:literal; )*) => {
        /// The `type` token of an NSO error object.
        ///
        /// NSO puts a literal token beside the numeric code (application
        /// errors all share code -32000); clients branch on the token. Tokens
        /// outside the documented list are kept in [`ErrorType::Unknown`].
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum ErrorType {
            $( $(#[$doc])* $variant, )*
            /// A token not in the documented list, kept as sent.
            Unknown(String),
        }

        impl ErrorType {
            /// Every documented token, in the manual's order.
            pub const KNOWN: &'static [ErrorType] = &[ $( ErrorType::$variant, )* ];

            /// The token as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( ErrorType::$variant => $token, )*
                    ErrorType::Unknown(s) => s,
                }
            }

            /// The type for a token (unknown tokens are kept).
            pub fn from_token(token: &str) -> Self {
                match token {
                    $( $token => ErrorType::$variant, )*
                    other => ErrorType::Unknown(other.to_owned()),
                }
            }

            /// The code NSO sends with this type: the JSON-RPC standard code
            /// for the five standard errors, -32000 for application errors.
            pub fn default_code(&self) -> i64 {
                match self {
                    $( ErrorType::$variant => $code, )*
                    ErrorType::Unknown(_) => -32000,
                }
            }

            /// The English message NSO pairs with this type.
            pub fn default_message(&self) -> &'static str {
                match self {
                    $( ErrorType::$variant => $message, )*
                    ErrorType::Unknown(_) => "Error",
                }
            }
        }
    };
}

error_types! {
    /// The body is not JSON.
    RequestParseError = "rpc.request.parse_error", -32700, "Parse error";
    /// The body is JSON but not a valid request.
    RequestInvalid = "rpc.request.invalid", -32600, "Invalid request";
    /// The body ended before the JSON did.
    RequestEofParseError = "rpc.request.eof_parse_error", -32700, "Parse error";
    /// A multipart body could not be read.
    RequestMultipartBroken = "rpc.request.multipart_broken", -32000, "Multipart broken";
    /// The body exceeds the server's size limit.
    RequestTooBig = "rpc.request.too_big", -32000, "Request too big";
    /// The method is denied by AAA command rules.
    RequestMethodDenied = "rpc.request.method_denied", -32000, "Method denied";
    /// The spelling the manual's protocol overview uses for an unknown method.
    RequestMethodNotFound = "rpc.request.method.not_found", -32601, "Method not found";
    /// The method does not exist.
    MethodNotFound = "rpc.method.not_found", -32601, "Method not found";
    /// A param is invalid (`data.param` names it).
    MethodInvalidParams = "rpc.method.invalid_params", -32602, "Invalid params";
    /// A param is not one the method takes (`data.param` names it).
    MethodUnexpectedParams = "rpc.method.unexpected_params", -32602, "Unexpected params";
    /// A param has the wrong JSON type (`data.param` names it).
    MethodInvalidParamsType = "rpc.method.invalid_params_type", -32602, "Invalid params type";
    /// A required param is missing (`data.param` names it).
    MethodMissingParams = "rpc.method.missing_params", -32602, "Missing params";
    /// A param has a value outside its allowed set (`data.param` names it).
    MethodUnknownParamsValue = "rpc.method.unknown_params_value", -32602, "Unknown params value";
    /// The method ran and failed (e.g. a bad login).
    MethodFailed = "rpc.method.failed", -32000, "Method failed";
    /// The method is denied to this user.
    MethodDenied = "rpc.method.denied", -32000, "Method denied";
    /// The method timed out.
    MethodTimeout = "rpc.method.timeout", -32000, "Method timeout";
    /// The server failed internally.
    InternalError = "rpc.internal_error", -32603, "Internal error";
    /// No `sessionid` cookie was sent.
    SessionMissingSessionid = "session.missing_sessionid", -32000, "Missing sessionid";
    /// The `sessionid` cookie is unknown or expired.
    SessionInvalidSessionid = "session.invalid_sessionid", -32000, "Invalid sessionid";
    /// The session hit a load limit (10000 commands or subscriptions).
    SessionOverload = "session.overload", -32000, "Session overload";
    /// The datastore is locked by another session (`data.sessions` lists them).
    DbLocked = "db.locked", -32000, "Database locked";
    /// CDB operational data is not enabled.
    DbCdbOperationalNotEnabled = "db.cdb_operational_not_enabled", -32000, "CDB operational not enabled";
    /// The node to create already exists.
    DataAlreadyExists = "data.already_exists", -32000, "Data already exists";
    /// The node does not exist.
    DataNotFound = "data.not_found", -32000, "Data not found";
    /// The node is not writable.
    DataNotWritable = "data.not_writable", -32000, "Data not writable";
    /// A confirmed commit is already pending.
    TransConfirmedCommitInProgress = "trans.confirmed_commit_in_progress", -32000, "Confirmed commit in progress";
    /// Confirmed commit needs the candidate datastore.
    TransConfirmedCommitIsOnlyValidForCandidate = "trans.confirmed_commit_is_only_valid_for_candidate", -32000, "Confirmed commit is only valid for candidate";
    /// Confirmed commit needs a configuration writable through the candidate.
    TransConfirmedCommitNeedsConfigWritableThroughCandidate = "trans.confirmed_commit_needs_config_writable_through_candidate", -32000, "Confirmed commit needs config writable through candidate";
    /// Confirmed commit is not supported in private mode.
    TransConfirmedCommitNotSupportedInPrivateMode = "trans.confirmed_commit_not_supported_in_private_mode", -32000, "Confirmed commit not supported in private mode";
    /// Conflicts must be resolved first (`data.users` lists the users).
    TransResolveNeeded = "trans.resolve_needed", -32000, "Resolve needed";
    /// Validation failed (`data.errors` lists paths and messages).
    TransValidationFailed = "trans.validation_failed", -32000, "Validation failed";
    /// A batch command was not initialized.
    CmdNotInitialized = "cmd.not_initialized", -32000, "Command not initialized";
    /// The comet channel is already being listened on.
    CometDuplicatedChannel = "comet.duplicated_channel", -32000, "Duplicated channel";
    /// An action returned an invalid result (`data.path` points at it).
    ActionInvalidResult = "action.invalid_result", -32000, "Invalid result";
}

impl ErrorType {
    /// True for the `rpc.method.*params*` types, which carry `data.param`
    /// (clients read it without checking).
    pub fn carries_param(&self) -> bool {
        matches!(
            self,
            ErrorType::MethodInvalidParams
                | ErrorType::MethodUnexpectedParams
                | ErrorType::MethodInvalidParamsType
                | ErrorType::MethodMissingParams
                | ErrorType::MethodUnknownParamsValue
        ) || matches!(self, ErrorType::Unknown(t) if t.contains("params"))
    }

    /// True when the token is in the documented list.
    pub fn is_known(&self) -> bool {
        !matches!(self, ErrorType::Unknown(_))
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for ErrorType {
    fn from(token: &str) -> Self {
        ErrorType::from_token(token)
    }
}

/// Params NSO reads as integers: a float, `-0`, a string or an integer out of
/// range there gets `rpc.method.invalid_params_type`.
pub const INTEGER_PARAMS: &[&str] = &[
    "th",
    "qh",
    "nr",
    "lh",
    "interval",
    "levels",
    "offset",
    "limit",
    "chunk_size",
    "initial_offset",
    "timeout",
    "width",
    "height",
    "scroll",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_token_round_trips_and_unknown_is_kept() {
        for t in ErrorType::KNOWN {
            assert_eq!(&ErrorType::from_token(t.as_str()), t);
            assert!(t.is_known());
        }
        let odd = ErrorType::from_token("license.expired");
        assert_eq!(odd, ErrorType::Unknown("license.expired".into()));
        assert_eq!(odd.as_str(), "license.expired");
        assert_eq!(odd.default_code(), -32000);
    }

    #[test]
    fn standard_errors_keep_standard_codes() {
        assert_eq!(ErrorType::RequestParseError.default_code(), -32700);
        assert_eq!(ErrorType::RequestInvalid.default_code(), -32600);
        assert_eq!(ErrorType::MethodNotFound.default_code(), -32601);
        assert_eq!(ErrorType::MethodUnexpectedParams.default_code(), -32602);
        assert_eq!(ErrorType::InternalError.default_code(), -32603);
        assert_eq!(ErrorType::MethodFailed.default_code(), -32000);
        assert!(ErrorType::MethodMissingParams.carries_param());
        assert!(!ErrorType::DbLocked.carries_param());
    }
}
