//! Topic builders with the JET client library's defaults (its `Create*Topic`
//! functions): ALL is `+`; an omitted trailing argument is `#`; an omitted
//! interface of an IFL/IFF/IFA topic is `+/+/+`; an interface name given
//! without its sub-unit is refused.

use super::topic::{ANY_INTERFACE, Op, Sel, Topic, TopicError};

fn arg(
    name: &'static str,
    value: Option<&str>,
    multi_level: bool,
    default: Sel<String>,
) -> Result<Sel<String>, TopicError> {
    let Some(v) = value else { return Ok(default) };
    let bad = |reason| TopicError::BadArgument {
        arg: name,
        value: v.to_owned(),
        reason,
    };
    if v.is_empty() {
        return Err(bad("it is empty"));
    }
    if v.contains(['+', '#']) {
        return Err(bad(
            "'+' and '#' are MQTT wildcards; leave the argument out for all",
        ));
    }
    if v.contains('\0') {
        return Err(bad("MQTT topics may not contain NUL"));
    }
    if !multi_level && v.contains('/') {
        return Err(bad("it would span several topic levels"));
    }
    if multi_level && v.split('/').any(str::is_empty) {
        return Err(bad("it has an empty level"));
    }
    Ok(Sel::Is(v.to_owned()))
}

fn ifl_arg(ifd_name: Option<&str>, sub_unit: Option<u32>) -> Result<Sel<String>, TopicError> {
    match (ifd_name, sub_unit) {
        (None, _) => Ok(Sel::Is(ANY_INTERFACE.to_owned())),
        (Some(_), None) => Err(TopicError::SubUnitRequired),
        (Some(ifd), Some(unit)) => arg("ifd_name", Some(&format!("{ifd}.{unit}")), true, Sel::Rest),
    }
}

impl Topic {
    /// IFD topic; the interface defaults to `#` (all).
    pub fn ifd(op: Sel<Op>, ifd_name: Option<&str>) -> Result<Topic, TopicError> {
        Ok(Topic::Ifd {
            op,
            ifd_name: arg("ifd_name", ifd_name, true, Sel::Rest)?,
        }
        .normalized())
    }

    /// IFL topic for `ifd_name.sub_unit`; the interface defaults to `+/+/+`.
    pub fn ifl(
        op: Sel<Op>,
        ifd_name: Option<&str>,
        sub_unit: Option<u32>,
    ) -> Result<Topic, TopicError> {
        Ok(Topic::Ifl {
            op,
            ifl_name: ifl_arg(ifd_name, sub_unit)?,
        }
        .normalized())
    }

    /// IFF topic; interface `+/+/+` and family `+` by default.
    pub fn iff(
        op: Sel<Op>,
        ifd_name: Option<&str>,
        sub_unit: Option<u32>,
        family_type: Option<&str>,
    ) -> Result<Topic, TopicError> {
        Ok(Topic::Iff {
            op,
            ifl_name: ifl_arg(ifd_name, sub_unit)?,
            family: arg("family_type", family_type, false, Sel::Any)?,
        }
        .normalized())
    }

    /// IFA topic; interface `+/+/+`, family `+` and address `#` by default.
    /// An address may carry its length (`192.168.20.1/32`).
    pub fn ifa(
        op: Sel<Op>,
        ifd_name: Option<&str>,
        sub_unit: Option<u32>,
        family_type: Option<&str>,
        address: Option<&str>,
    ) -> Result<Topic, TopicError> {
        if let Some(a) = address
            && a.split('/').count() > 2
        {
            return Err(TopicError::BadArgument {
                arg: "address",
                value: a.to_owned(),
                reason: "an address is one level, or two as address/length",
            });
        }
        Ok(Topic::Ifa {
            op,
            ifl_name: ifl_arg(ifd_name, sub_unit)?,
            family: arg("family_type", family_type, false, Sel::Any)?,
            address: arg("address", address, true, Sel::Rest)?,
        }
        .normalized())
    }

    /// Firewall filter topic; the filter defaults to `#` (all).
    pub fn firewall(op: Sel<Op>, filter_name: Option<&str>) -> Result<Topic, TopicError> {
        Ok(Topic::Firewall {
            op,
            filter_name: arg("filter_name", filter_name, false, Sel::Rest)?,
        }
        .normalized())
    }

    /// Route topic; family `+`, address `+` and prefix length `#` by default.
    pub fn route(
        op: Sel<Op>,
        family: Option<&str>,
        address: Option<&str>,
        prefix_length: Option<u8>,
    ) -> Result<Topic, TopicError> {
        let len = prefix_length.map(|l| l.to_string());
        Ok(Topic::Route {
            op,
            family: arg("family", family, false, Sel::Any)?,
            address: arg("address", address, false, Sel::Any)?,
            prefix_length: arg("prefix_length", len.as_deref(), false, Sel::Rest)?,
        }
        .normalized())
    }

    /// Route table topic; table `+` and logical router `#` by default.
    pub fn route_table(
        op: Sel<Op>,
        table_name: Option<&str>,
        lr_name: Option<&str>,
    ) -> Result<Topic, TopicError> {
        Ok(Topic::RouteTable {
            op,
            table_name: arg("table_name", table_name, false, Sel::Any)?,
            lr_name: arg("lr_name", lr_name, false, Sel::Rest)?,
        }
        .normalized())
    }

    /// Syslog topic; the event id defaults to `#` (all).
    pub fn syslog(event_id: Option<&str>) -> Result<Topic, TopicError> {
        Ok(Topic::Syslog {
            event_id: arg("event_id", event_id, false, Sel::Rest)?,
        })
    }
}
