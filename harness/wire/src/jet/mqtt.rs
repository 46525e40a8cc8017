//! MQTT 3.1.1 §4.7 topic rules: filter and name validation, and matching.

use super::topic::TopicError;

/// Longest topic MQTT allows (a UTF-8 string with a 16-bit length).
pub const MAX_TOPIC_LEN: usize = 65535;

/// Checks a subscription filter against MQTT 3.1.1 §4.7.
pub fn validate_topic_filter(filter: &str) -> Result<(), TopicError> {
    validate_common(filter)?;
    let mut offset = 0;
    let count = filter.split('/').count();
    for (i, level) in filter.split('/').enumerate() {
        let bad_hash = level.contains('#') && (level != "#" || i + 1 != count);
        let bad_plus = level.contains('+') && level != "+";
        if bad_hash || bad_plus {
            return Err(TopicError::Wildcard {
                level: level.to_owned(),
                offset,
            });
        }
        offset += level.len() + 1;
    }
    Ok(())
}

/// Checks a published topic name: a filter rule set without wildcards.
pub fn validate_topic_name(name: &str) -> Result<(), TopicError> {
    validate_common(name)?;
    match name.find(['+', '#']) {
        Some(offset) => Err(TopicError::WildcardInName { offset }),
        None => Ok(()),
    }
}

fn validate_common(topic: &str) -> Result<(), TopicError> {
    if topic.is_empty() {
        return Err(TopicError::Empty);
    }
    if topic.len() > MAX_TOPIC_LEN {
        return Err(TopicError::TooLong { len: topic.len() });
    }
    if let Some(offset) = topic.find('\0') {
        return Err(TopicError::Nul { offset });
    }
    Ok(())
}

/// True when a subscriber of `filter` receives a message published on `name`
/// (MQTT 3.1.1 §4.7: `+` matches one level, `#` the parent level and
/// everything below it, and wildcards at the first level do not match
/// topics starting with `$`). Invalid filters and names match nothing.
pub fn topic_matches(filter: &str, name: &str) -> bool {
    if validate_topic_filter(filter).is_err() || validate_topic_name(name).is_err() {
        return false;
    }
    if name.starts_with('$') && filter.starts_with(['+', '#']) {
        return false;
    }
    let mut f = filter.split('/');
    let mut n = name.split('/');
    loop {
        match (f.next(), n.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(fl), Some(nl)) if fl == nl => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}
