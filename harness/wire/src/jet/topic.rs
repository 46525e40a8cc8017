//! The JET topic tree and MQTT topic filters (MQTT 3.1.1 §4.7).
//!
//! Topics are `/`-separated levels under `/junos/events/`. Interface names
//! hold slashes themselves (`ge-0/0/0.0` is three levels), so the interface
//! argument of IFD/IFL/IFF/IFA topics spans as many levels as the name has.
//! Builders follow the JET client library's defaults: ALL is `+`; an omitted
//! trailing argument is `#` (everything below); an omitted interface of an
//! IFL/IFF/IFA topic is `+/+/+` (any `type-fpc/pic/port` name).
//!
//! Writing stops at the first `#` (nothing can follow it), so a parsed topic
//! carries [`Sel::Rest`] in every field from there on.

use super::mqtt::{topic_matches, validate_topic_filter};
use std::fmt;

/// The default interface of IFL, IFF and IFA topics: any `type-fpc/pic/port`.
pub const ANY_INTERFACE: &str = "+/+/+";

const KERNEL: &str = "/junos/events/kernel";
const SYSLOG: &str = "/junos/events/syslog";

/// A change a kernel event reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// Something was added.
    Add,
    /// Something changed.
    Change,
    /// Something was deleted.
    Delete,
}

impl Op {
    /// Every operation.
    pub const ALL: [Op; 3] = [Op::Add, Op::Change, Op::Delete];

    /// The topic level: `add`, `change`, `delete`.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Change => "change",
            Op::Delete => "delete",
        }
    }

    /// The event-id suffix: `ADD`, `CHANGE`, `DELETE`.
    pub fn event_suffix(self) -> &'static str {
        match self {
            Op::Add => "ADD",
            Op::Change => "CHANGE",
            Op::Delete => "DELETE",
        }
    }

    fn from_level(level: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.as_str() == level)
    }
}

/// One argument of a topic: a value, `+` (any one level) or `#` (everything below).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Sel<T> {
    /// This value (an interface name may span several levels).
    Is(T),
    /// `+`: any value of one level (the builders' ALL).
    Any,
    /// `#`: anything below, including nothing.
    Rest,
}

/// Subscribe to additions.
pub const ADD: Sel<Op> = Sel::Is(Op::Add);
/// Subscribe to changes.
pub const CHANGE: Sel<Op> = Sel::Is(Op::Change);
/// Subscribe to deletions.
pub const DELETE: Sel<Op> = Sel::Is(Op::Delete);
/// Subscribe to every operation (`+`).
pub const ALL: Sel<Op> = Sel::Any;

impl<T> Sel<T> {
    fn is_rest(&self) -> bool {
        matches!(self, Sel::Rest)
    }
}

impl Sel<String> {
    fn level(level: &str) -> Self {
        match level {
            "+" => Sel::Any,
            "#" => Sel::Rest,
            v => Sel::Is(v.to_owned()),
        }
    }

    fn levels(levels: &[&str]) -> Self {
        match levels {
            [one] => Sel::level(one),
            many => Sel::Is(many.join("/")),
        }
    }
}

/// A topic (or topic filter) of the JET tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Topic {
    /// `/junos/events/kernel/interfaces/ifd/<op>/<ifd-name>`
    Ifd {
        /// Operation.
        op: Sel<Op>,
        /// Physical interface name, e.g. `ge-0/0/0`.
        ifd_name: Sel<String>,
    },
    /// `/junos/events/kernel/interfaces/ifl/<op>/<ifl-name>`
    Ifl {
        /// Operation.
        op: Sel<Op>,
        /// Logical interface name, e.g. `ge-0/0/0.0`.
        ifl_name: Sel<String>,
    },
    /// `/junos/events/kernel/interfaces/iff/<op>/<ifl-name>/<family-type>`
    Iff {
        /// Operation.
        op: Sel<Op>,
        /// Logical interface name.
        ifl_name: Sel<String>,
        /// Address family, e.g. `inet`.
        family: Sel<String>,
    },
    /// `/junos/events/kernel/interfaces/ifa/<op>/<ifl-name>/<family-type>/<address>`
    Ifa {
        /// Operation.
        op: Sel<Op>,
        /// Logical interface name.
        ifl_name: Sel<String>,
        /// Address family.
        family: Sel<String>,
        /// Address, possibly with its length (`192.168.20.1/32`, two levels).
        address: Sel<String>,
    },
    /// `/junos/events/kernel/firewall/filter/<op>/<filter-name>`
    Firewall {
        /// Operation.
        op: Sel<Op>,
        /// Filter name.
        filter_name: Sel<String>,
    },
    /// `/junos/events/kernel/route/<op>/<family>/<address>/<prefix-length>`
    Route {
        /// Operation.
        op: Sel<Op>,
        /// Address family, e.g. `inet`.
        family: Sel<String>,
        /// Prefix address, e.g. `10.0.0.0`.
        address: Sel<String>,
        /// Prefix length, e.g. `24`.
        prefix_length: Sel<String>,
    },
    /// `/junos/events/kernel/route-table/<op>/<table-name>/<lr-name>`
    RouteTable {
        /// Operation.
        op: Sel<Op>,
        /// Table name, e.g. `inet.0`.
        table_name: Sel<String>,
        /// Logical router name.
        lr_name: Sel<String>,
    },
    /// `/junos/events/syslog/<event-id>`
    Syslog {
        /// Syslog event id, e.g. `UI_COMMIT_COMPLETED`.
        event_id: Sel<String>,
    },
    /// `/junos/events/kernel/#`: every kernel event.
    Kernel,
}

/// Why a topic or topic filter is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TopicError {
    /// Empty topic.
    #[error("empty topic: MQTT topics are at least one character")]
    Empty,
    /// Longer than MQTT allows.
    #[error("topic of {len} bytes is longer than MQTT's 65535")]
    TooLong {
        /// Length in bytes.
        len: usize,
    },
    /// A NUL character, which MQTT forbids in topics.
    #[error("NUL character at byte {offset}: MQTT topics may not contain U+0000")]
    Nul {
        /// Where.
        offset: usize,
    },
    /// `#` not alone as the last level, or `+` not alone in its level.
    #[error(
        "wildcard misuse in level {level:?} at byte {offset}: '+' fills a whole level and '#' a whole last level"
    )]
    Wildcard {
        /// The offending level.
        level: String,
        /// Its first byte.
        offset: usize,
    },
    /// A wildcard in a topic name (what a publisher sends).
    #[error(
        "wildcard in published topic name at byte {offset}: only subscription filters hold '+' and '#'"
    )]
    WildcardInName {
        /// Where.
        offset: usize,
    },
    /// Not under `/junos/events/kernel/` or `/junos/events/syslog/`.
    #[error(
        "{found:?} is not a JET event topic: topics start with /junos/events/kernel/ or /junos/events/syslog/"
    )]
    NotJet {
        /// The start of the topic.
        found: String,
    },
    /// A level where a family name was expected.
    #[error(
        "unknown event family {found:?}: expected interfaces/ifd|ifl|iff|ifa, firewall/filter, route or route-table"
    )]
    UnknownFamily {
        /// The level found.
        found: String,
    },
    /// A level where the operation was expected.
    #[error("unknown operation {found:?}: expected add, change, delete, + or #")]
    BadOp {
        /// The level found.
        found: String,
    },
    /// The topic stops before an argument.
    #[error("{family} topic has no {what}: give it, or '+' for any, or '#' for all below")]
    Missing {
        /// Topic family.
        family: &'static str,
        /// The missing argument.
        what: &'static str,
    },
    /// More levels than the family has.
    #[error("{family} topic has extra levels {extra:?}")]
    Extra {
        /// Topic family.
        family: &'static str,
        /// The extra levels.
        extra: String,
    },
    /// A builder argument that cannot be a topic level.
    #[error("{arg} {value:?} cannot go in a topic: {reason}")]
    BadArgument {
        /// Argument name.
        arg: &'static str,
        /// Its value.
        value: String,
        /// Why.
        reason: &'static str,
    },
    /// An interface name without a sub-unit in an IFL/IFF/IFA builder.
    #[error("sub_unit is required when an interface name is given (the topic names ifd.unit)")]
    SubUnitRequired,
}

impl Topic {
    /// The family's name, for messages.
    pub fn family_name(&self) -> &'static str {
        match self {
            Topic::Ifd { .. } => "ifd",
            Topic::Ifl { .. } => "ifl",
            Topic::Iff { .. } => "iff",
            Topic::Ifa { .. } => "ifa",
            Topic::Firewall { .. } => "firewall",
            Topic::Route { .. } => "route",
            Topic::RouteTable { .. } => "route-table",
            Topic::Syslog { .. } => "syslog",
            Topic::Kernel => "kernel",
        }
    }

    /// The operation, for kernel families.
    pub fn op(&self) -> Option<&Sel<Op>> {
        match self {
            Topic::Ifd { op, .. }
            | Topic::Ifl { op, .. }
            | Topic::Iff { op, .. }
            | Topic::Ifa { op, .. }
            | Topic::Firewall { op, .. }
            | Topic::Route { op, .. }
            | Topic::RouteTable { op, .. } => Some(op),
            Topic::Syslog { .. } | Topic::Kernel => None,
        }
    }

    /// True when a subscriber of this topic (as a filter) receives `name`.
    pub fn matches(&self, name: &str) -> bool {
        topic_matches(&self.to_string(), name)
    }

    /// The same topic with every argument after the first `#` set to `#`
    /// (what writing and parsing again gives).
    pub fn normalized(self) -> Topic {
        fn after<T>(rest: &mut bool, s: Sel<T>) -> Sel<T> {
            if *rest {
                return Sel::Rest;
            }
            *rest = s.is_rest();
            s
        }
        let r = &mut false;
        match self {
            Topic::Ifd { op, ifd_name } => Topic::Ifd {
                op: after(r, op),
                ifd_name: after(r, ifd_name),
            },
            Topic::Ifl { op, ifl_name } => Topic::Ifl {
                op: after(r, op),
                ifl_name: after(r, ifl_name),
            },
            Topic::Iff {
                op,
                ifl_name,
                family,
            } => Topic::Iff {
                op: after(r, op),
                ifl_name: after(r, ifl_name),
                family: after(r, family),
            },
            Topic::Ifa {
                op,
                ifl_name,
                family,
                address,
            } => Topic::Ifa {
                op: after(r, op),
                ifl_name: after(r, ifl_name),
                family: after(r, family),
                address: after(r, address),
            },
            Topic::Firewall { op, filter_name } => Topic::Firewall {
                op: after(r, op),
                filter_name: after(r, filter_name),
            },
            Topic::Route {
                op,
                family,
                address,
                prefix_length,
            } => Topic::Route {
                op: after(r, op),
                family: after(r, family),
                address: after(r, address),
                prefix_length: after(r, prefix_length),
            },
            Topic::RouteTable {
                op,
                table_name,
                lr_name,
            } => Topic::RouteTable {
                op: after(r, op),
                table_name: after(r, table_name),
                lr_name: after(r, lr_name),
            },
            Topic::Syslog { event_id } => Topic::Syslog { event_id },
            Topic::Kernel => Topic::Kernel,
        }
    }
}

// ---- writing ----

struct Writer<'f, 'a> {
    f: &'f mut fmt::Formatter<'a>,
    done: bool,
}

impl Writer<'_, '_> {
    fn level(&mut self, s: &Sel<String>) -> fmt::Result {
        self.put(match s {
            Sel::Is(v) => v,
            Sel::Any => "+",
            Sel::Rest => "#",
        })
    }

    fn op(&mut self, s: &Sel<Op>) -> fmt::Result {
        self.put(match s {
            Sel::Is(op) => op.as_str(),
            Sel::Any => "+",
            Sel::Rest => "#",
        })
    }

    fn put(&mut self, level: &str) -> fmt::Result {
        if self.done {
            return Ok(());
        }
        self.done = level == "#";
        write!(self.f, "/{level}")
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head = match self {
            Topic::Kernel => return write!(f, "{KERNEL}/#"),
            Topic::Syslog { event_id } => {
                f.write_str(SYSLOG)?;
                return Writer { f, done: false }.level(event_id);
            }
            Topic::Ifd { .. } => "/interfaces/ifd",
            Topic::Ifl { .. } => "/interfaces/ifl",
            Topic::Iff { .. } => "/interfaces/iff",
            Topic::Ifa { .. } => "/interfaces/ifa",
            Topic::Firewall { .. } => "/firewall/filter",
            Topic::Route { .. } => "/route",
            Topic::RouteTable { .. } => "/route-table",
        };
        write!(f, "{KERNEL}{head}")?;
        let mut w = Writer { f, done: false };
        match self {
            Topic::Ifd { op, ifd_name } => {
                w.op(op)?;
                w.level(ifd_name)
            }
            Topic::Ifl { op, ifl_name } => {
                w.op(op)?;
                w.level(ifl_name)
            }
            Topic::Iff {
                op,
                ifl_name,
                family,
            } => {
                w.op(op)?;
                w.level(ifl_name)?;
                w.level(family)
            }
            Topic::Ifa {
                op,
                ifl_name,
                family,
                address,
            } => {
                w.op(op)?;
                w.level(ifl_name)?;
                w.level(family)?;
                w.level(address)
            }
            Topic::Firewall { op, filter_name } => {
                w.op(op)?;
                w.level(filter_name)
            }
            Topic::Route {
                op,
                family,
                address,
                prefix_length,
            } => {
                w.op(op)?;
                w.level(family)?;
                w.level(address)?;
                w.level(prefix_length)
            }
            Topic::RouteTable {
                op,
                table_name,
                lr_name,
            } => {
                w.op(op)?;
                w.level(table_name)?;
                w.level(lr_name)
            }
            Topic::Syslog { .. } | Topic::Kernel => Ok(()),
        }
    }
}

// ---- parsing ----

impl std::str::FromStr for Topic {
    type Err = TopicError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_topic(s)
    }
}

/// Parses a JET topic or topic filter.
///
/// The topic must pass MQTT's filter rules; then its levels are read against
/// the family's shape. The interface of IFD, IFL and IFF topics takes every
/// level left (IFF: all but the last, the family). In IFA topics the
/// interface takes three levels when they read as `type-fpc/pic/port[.unit]`
/// (or `+/+/+`) and enough levels follow for family and address, else one;
/// the address takes one level, or two as `address/length`.
pub fn parse_topic(topic: &str) -> Result<Topic, TopicError> {
    validate_topic_filter(topic)?;
    if let Some(rest) = topic.strip_prefix("/junos/events/syslog/") {
        let levels: Vec<&str> = rest.split('/').collect();
        return match levels.as_slice() {
            [one] => Ok(Topic::Syslog {
                event_id: Sel::level(one),
            }),
            [_, extra @ ..] => Err(TopicError::Extra {
                family: "syslog",
                extra: extra.join("/"),
            }),
            [] => Err(TopicError::Missing {
                family: "syslog",
                what: "event id",
            }),
        };
    }
    let Some(rest) = topic.strip_prefix("/junos/events/kernel/") else {
        let found: String = topic.chars().take(40).collect();
        return Err(TopicError::NotJet { found });
    };
    let levels: Vec<&str> = rest.split('/').collect();
    let (family, args): (&'static str, &[&str]) = match levels.as_slice() {
        ["#"] => return Ok(Topic::Kernel),
        ["interfaces", "ifd", args @ ..] => ("ifd", args),
        ["interfaces", "ifl", args @ ..] => ("ifl", args),
        ["interfaces", "iff", args @ ..] => ("iff", args),
        ["interfaces", "ifa", args @ ..] => ("ifa", args),
        ["firewall", "filter", args @ ..] => ("firewall", args),
        ["route", args @ ..] => ("route", args),
        ["route-table", args @ ..] => ("route-table", args),
        other => {
            let found = other.iter().take(2).copied().collect::<Vec<_>>().join("/");
            return Err(TopicError::UnknownFamily { found });
        }
    };
    let (op, args) = match args {
        [] => {
            return Err(TopicError::Missing {
                family,
                what: "operation",
            });
        }
        [op, args @ ..] => (*op, args),
    };
    let op = match op {
        "+" => Sel::Any,
        "#" => return Ok(all_rest(family)),
        level => Sel::Is(Op::from_level(level).ok_or_else(|| TopicError::BadOp {
            found: level.to_owned(),
        })?),
    };
    let missing = |what| TopicError::Missing { family, what };
    Ok(match family {
        "ifd" => Topic::Ifd {
            op,
            ifd_name: name_levels(args).ok_or(missing("interface name"))?,
        },
        "ifl" => Topic::Ifl {
            op,
            ifl_name: name_levels(args).ok_or(missing("interface name"))?,
        },
        "iff" => match args {
            [] => return Err(missing("interface name")),
            ["#"] => all_rest_after(family, op),
            [.., _] if args.len() < 2 => return Err(missing("family type")),
            [ifl @ .., fam] => Topic::Iff {
                op,
                ifl_name: Sel::levels(ifl),
                family: Sel::level(fam),
            },
        },
        "ifa" => parse_ifa(op, args)?,
        "firewall" => Topic::Firewall {
            op,
            filter_name: name_levels(args).ok_or(missing("filter name"))?,
        },
        "route" => {
            let [family_sel, address, prefix_length] =
                fixed(family, args, ["family", "address", "prefix length"])?;
            Topic::Route {
                op,
                family: family_sel,
                address,
                prefix_length,
            }
        }
        _ => {
            let [table_name, lr_name] = fixed(family, args, ["table name", "logical router name"])?;
            Topic::RouteTable {
                op,
                table_name,
                lr_name,
            }
        }
    })
}

fn name_levels(args: &[&str]) -> Option<Sel<String>> {
    if args.is_empty() {
        None
    } else {
        Some(Sel::levels(args))
    }
}

/// Reads exactly `N` one-level arguments, or fewer ending with `#`.
fn fixed<const N: usize>(
    family: &'static str,
    args: &[&str],
    names: [&'static str; N],
) -> Result<[Sel<String>; N], TopicError> {
    let mut out: [Sel<String>; N] = std::array::from_fn(|_| Sel::Rest);
    let mut rest = false;
    for (i, slot) in out.iter_mut().enumerate() {
        if rest {
            break;
        }
        match args.get(i) {
            Some(level) => {
                *slot = Sel::level(level);
                rest = slot.is_rest();
            }
            None => {
                return Err(TopicError::Missing {
                    family,
                    what: names[i],
                });
            }
        }
    }
    let used = out.iter().take_while(|s| !s.is_rest()).count() + usize::from(rest);
    if args.len() > used {
        return Err(TopicError::Extra {
            family,
            extra: args.get(used..).unwrap_or(&[]).join("/"),
        });
    }
    Ok(out)
}

/// Reads `<ifl-name>/<family-type>/<address>`, where the interface takes
/// three levels when they read as `type-fpc/pic/port[.unit]` (or `+/+/+`)
/// and enough levels are left for the family and the address, else one
/// level; the address takes one level, or two as `address/length`.
fn parse_ifa(op: Sel<Op>, args: &[&str]) -> Result<Topic, TopicError> {
    let missing = |what| TopicError::Missing {
        family: "ifa",
        what,
    };
    if args.first() == Some(&"#") {
        return Ok(all_rest_after("ifa", op));
    }
    let type_fpc = |l: &str| {
        l == "+"
            || l.rsplit_once('-').is_some_and(|(t, fpc)| {
                t.starts_with(|c: char| c.is_ascii_alphabetic())
                    && !fpc.is_empty()
                    && fpc.bytes().all(|b| b.is_ascii_digit())
            })
    };
    let pic = |l: &str| l == "+" || (!l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()));
    let port = |l: &str| l == "+" || l.starts_with(|c: char| c.is_ascii_digit());
    let triple = match args {
        [t, p, q, rest @ ..] if type_fpc(t) && pic(p) && port(q) => {
            rest.len() >= 2 || rest == ["#"]
        }
        _ => false,
    };
    let k = if triple { 3 } else { 1 };
    let (ifl, rest) = args.split_at(k.min(args.len()));
    if ifl.is_empty() {
        return Err(missing("interface name"));
    }
    let (family, address) = match rest {
        [] => return Err(missing("family type")),
        ["#"] => (Sel::Rest, Sel::Rest),
        [_] => return Err(missing("address")),
        [family, address @ ..] if address.len() <= 2 => (Sel::level(family), Sel::levels(address)),
        [_, address @ ..] => {
            return Err(TopicError::Extra {
                family: "ifa",
                extra: address.get(2..).unwrap_or(&[]).join("/"),
            });
        }
    };
    Ok(Topic::Ifa {
        op,
        ifl_name: Sel::levels(ifl),
        family,
        address,
    })
}

fn all_rest(family: &str) -> Topic {
    all_rest_after(family, Sel::Rest)
}

fn all_rest_after(family: &str, op: Sel<Op>) -> Topic {
    let r = || Sel::Rest;
    match family {
        "ifd" => Topic::Ifd { op, ifd_name: r() },
        "ifl" => Topic::Ifl { op, ifl_name: r() },
        "iff" => Topic::Iff {
            op,
            ifl_name: r(),
            family: r(),
        },
        "ifa" => Topic::Ifa {
            op,
            ifl_name: r(),
            family: r(),
            address: r(),
        },
        "firewall" => Topic::Firewall {
            op,
            filter_name: r(),
        },
        "route" => Topic::Route {
            op,
            family: r(),
            address: r(),
            prefix_length: r(),
        },
        _ => Topic::RouteTable {
            op,
            table_name: r(),
            lr_name: r(),
        },
    }
}
