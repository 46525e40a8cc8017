//! RFC 5277 `<notification>`: eventTime and the event content, kept raw.

use super::{Ctx, NOTIFICATION_NS, rules, write_close, write_open};
use crate::Span;
use crate::xml::{Attribute, RawElement, Tag, XmlError, write_leaf};

/// A `<notification>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Notification {
    /// Attributes of `<notification>`, in order.
    pub attributes: Vec<Attribute>,
    /// The envelope's prefix.
    pub prefix: Option<String>,
    /// The envelope's namespace (should be [`NOTIFICATION_NS`]).
    pub namespace: Option<String>,
    /// The eventTime text, trimmed (an RFC 3339 date-time).
    pub event_time: Option<String>,
    /// The event content after eventTime: normally one element.
    pub events: Vec<RawElement>,
}

impl Notification {
    /// A notification of `event` at `event_time`.
    pub fn new(event_time: impl Into<String>, event: RawElement) -> Self {
        Notification {
            attributes: vec![Attribute::xmlns(None, NOTIFICATION_NS)],
            prefix: None,
            namespace: Some(NOTIFICATION_NS.to_owned()),
            event_time: Some(event_time.into()),
            events: vec![event],
        }
    }

    /// The event element.
    pub fn event(&self) -> Option<&RawElement> {
        self.events.first()
    }

    /// Appends the notification as XML.
    pub fn write(&self, out: &mut Vec<u8>) {
        let name = write_open(
            out,
            self.prefix.as_deref(),
            "notification",
            self.namespace.as_deref(),
            None,
            &self.attributes,
        );
        if let Some(t) = &self.event_time {
            let p = name
                .split_once(':')
                .map(|(p, _)| format!("{p}:"))
                .unwrap_or_default();
            write_leaf(out, &format!("{p}eventTime"), t);
        }
        for e in &self.events {
            e.write(out);
        }
        write_close(out, &name);
    }

    /// The notification as XML bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }
}

pub(super) fn read<'a>(cx: &mut Ctx<'a>, tag: &Tag<'a>) -> Result<Notification, XmlError> {
    cx.expect_ns(tag, NOTIFICATION_NS, rules::NOTIFICATION_NAMESPACE);
    let (_, attributes) = cx.envelope_attributes_all(tag);
    let ns = cx.r.namespace(tag).map(str::to_owned);
    let mut n = Notification {
        attributes,
        prefix: (!tag.prefix.is_empty()).then(|| tag.prefix.to_owned()),
        namespace: ns.clone(),
        event_time: None,
        events: Vec::new(),
    };
    let mut first = true;
    cx.children(tag, Some(super::rules::ELEMENT_ONLY_CONTENT), |cx, t| {
        let is_time =
            t.local == "eventTime" && cx.r.namespace(&t) == ns.as_deref() && n.event_time.is_none();
        if is_time {
            if !first {
                cx.push(
                    rules::NOTIFICATION_EVENT_TIME,
                    t.span,
                    "<eventTime> is not the first child",
                );
            }
            let (text, end) = cx.r.text_of(&t)?;
            let text = super::trimmed(text);
            if !is_date_time(&text) {
                cx.push(
                    rules::NOTIFICATION_BAD_EVENT_TIME,
                    Span::new(t.span.start, end.span.end),
                    format!("eventTime {:?}", crate::xml::clip(&text)),
                );
            }
            n.event_time = Some(text);
        } else {
            n.events.push(cx.raw(&t)?);
        }
        first = false;
        Ok(())
    })?;
    if n.event_time.is_none() {
        cx.push(
            rules::NOTIFICATION_EVENT_TIME,
            tag.span,
            "<notification> has no <eventTime>",
        );
    }
    if n.events.is_empty() {
        cx.push(
            rules::NOTIFICATION_NO_EVENT,
            tag.span,
            "<notification> carries no event",
        );
    }
    Ok(n)
}

/// RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)`.
pub(crate) fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let at = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    if !(digits(0..4) && at(4, b"-") && digits(5..7) && at(7, b"-") && digits(8..10)) {
        return false;
    }
    if !(at(10, b"Tt")
        && digits(11..13)
        && at(13, b":")
        && digits(14..16)
        && at(16, b":")
        && digits(17..19))
    {
        return false;
    }
    let num =
        |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok()).unwrap_or(99);
    if !(1..=12).contains(&num(5..7))
        || !(1..=31).contains(&num(8..10))
        || num(11..13) > 23
        || num(14..16) > 59
        || num(17..19) > 60
    {
        return false;
    }
    let mut i = 19;
    if at(i, b".") {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i + 6 == b.len()
                && digits(i + 1..i + 3)
                && at(i + 3, b":")
                && digits(i + 4..i + 6)
                && num(i + 1..i + 3) <= 23
                && num(i + 4..i + 6) <= 59
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_date_time;

    #[test]
    fn date_time_accepts_rfc3339_forms_only() {
        for ok in [
            "2007-07-08T00:01:00Z",
            "2007-07-08T00:01:00.123+02:00",
            "2024-02-29t23:59:60z",
        ] {
            assert!(is_date_time(ok), "{ok}");
        }
        for bad in [
            "",
            "2007-07-08",
            "2007-07-08T00:01:00",
            "2007-13-08T00:01:00Z",
            "2007-07-08T00:01:00.Z",
            "2007-07-08T00:01:00+0200",
            "2007-07-08 00:01:00Z",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }
}
