//! Builders for the `<rpc-error>`s the device answers with, one per
//! condition, so every operation reports the same condition the same way
//! (RFC 6241 Appendix A: error-type, error-tag and the error-info each tag
//! requires).

use confuzz_wire::netconf::{ErrorInfo, ErrorTag, ErrorType, RpcError};

fn info() -> ErrorInfo {
    ErrorInfo::default()
}

fn with_element(e: RpcError, element: &str) -> RpcError {
    e.with_info(ErrorInfo {
        bad_element: Some(element.to_owned()),
        ..info()
    })
}

/// A mandatory element is missing.
pub fn missing_element(ty: ErrorType, element: &str, path: &str) -> RpcError {
    with_element(RpcError::new(ty, ErrorTag::MissingElement), element)
        .with_path(path)
        .with_message(format!("missing element <{element}>"))
}

/// An element that does not belong here.
pub fn unknown_element(ty: ErrorType, element: &str, path: &str) -> RpcError {
    with_element(RpcError::new(ty, ErrorTag::UnknownElement), element)
        .with_path(path)
        .with_message(format!("unexpected element <{element}>"))
}

/// An element whose value or shape is wrong.
pub fn bad_element(ty: ErrorType, element: &str, path: &str, why: impl Into<String>) -> RpcError {
    with_element(RpcError::new(ty, ErrorTag::BadElement), element)
        .with_path(path)
        .with_message(why)
}

/// A parameter value the device does not accept.
pub fn invalid_value(ty: ErrorType, element: &str, path: &str, why: impl Into<String>) -> RpcError {
    with_element(RpcError::new(ty, ErrorTag::InvalidValue), element)
        .with_path(path)
        .with_message(why)
}

/// An element in a namespace the device does not know.
pub fn unknown_namespace(ty: ErrorType, element: &str, ns: &str, path: &str) -> RpcError {
    RpcError::new(ty, ErrorTag::UnknownNamespace)
        .with_info(ErrorInfo {
            bad_element: Some(element.to_owned()),
            bad_namespace: Some(ns.to_owned()),
            ..info()
        })
        .with_path(path)
        .with_message(format!("namespace {ns:?} is not known here"))
}

/// A mandatory attribute is missing.
pub fn missing_attribute(ty: ErrorType, attribute: &str, element: &str) -> RpcError {
    RpcError::new(ty, ErrorTag::MissingAttribute)
        .with_info(ErrorInfo {
            bad_attribute: Some(attribute.to_owned()),
            bad_element: Some(element.to_owned()),
            ..info()
        })
        .with_message(format!("<{element}> needs a {attribute} attribute"))
}

/// An attribute value that is wrong.
pub fn bad_attribute(
    ty: ErrorType,
    attribute: &str,
    element: &str,
    path: &str,
    why: impl Into<String>,
) -> RpcError {
    RpcError::new(ty, ErrorTag::BadAttribute)
        .with_info(ErrorInfo {
            bad_attribute: Some(attribute.to_owned()),
            bad_element: Some(element.to_owned()),
            ..info()
        })
        .with_path(path)
        .with_message(why)
}

/// The operation (or a parameter of it) is not implemented by this device.
pub fn not_supported(element: &str, path: &str, why: impl Into<String>) -> RpcError {
    with_element(
        RpcError::new(ErrorType::Protocol, ErrorTag::OperationNotSupported),
        element,
    )
    .with_path(path)
    .with_message(why)
}

/// The user's login class does not allow the operation.
pub fn access_denied(operation: &str, user: &str, class: &str) -> RpcError {
    RpcError::new(ErrorType::Protocol, ErrorTag::AccessDenied)
        .with_path(format!("/rpc/{operation}"))
        .with_message(format!(
            "permission denied: user {user} (class {class}) may not run <{operation}>"
        ))
}

fn session_info(holder: u32) -> ErrorInfo {
    ErrorInfo {
        session_id: Some(holder.to_string()),
        ..info()
    }
}

/// A lock is held elsewhere (`holder` 0: not by a NETCONF session).
pub fn lock_denied(holder: u32, why: impl Into<String>) -> RpcError {
    RpcError::new(ErrorType::Protocol, ErrorTag::LockDenied)
        .with_info(session_info(holder))
        .with_message(why)
}

/// A resource another session holds.
pub fn in_use(holder: u32, what: &str) -> RpcError {
    RpcError::new(ErrorType::Protocol, ErrorTag::InUse)
        .with_info(session_info(holder))
        .with_message(format!("{what} is locked by session {holder}"))
}

/// Creating what already exists.
pub fn data_exists(path: &str) -> RpcError {
    RpcError::new(ErrorType::Application, ErrorTag::DataExists)
        .with_path(path)
        .with_message("data already exists; use merge or replace to change it")
}

/// Deleting what does not exist.
pub fn data_missing(path: &str) -> RpcError {
    RpcError::new(ErrorType::Application, ErrorTag::DataMissing)
        .with_path(path)
        .with_message("data does not exist; use remove to delete it only if present")
}

/// The operation failed for a reason no other tag covers.
pub fn operation_failed(ty: ErrorType, why: impl Into<String>) -> RpcError {
    RpcError::new(ty, ErrorTag::OperationFailed).with_message(why)
}

/// A configuration that does not validate.
pub fn invalid_config(path: &str, why: impl Into<String>) -> RpcError {
    RpcError::new(ErrorType::Application, ErrorTag::OperationFailed)
        .with_app_tag("invalid-configuration")
        .with_path(path)
        .with_message(why)
}
