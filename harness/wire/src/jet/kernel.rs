//! Kernel event families: event ids, attribute names, and builders that make
//! the event body and the topic it is published on.
//!
//! Event ids follow `KERNEL_EVENT_<FAMILY>_<OP>`. The IFD and IFA ids appear
//! in Juniper's documentation and in JET applications; the firewall, route
//! and route-table ids are built by the same pattern and should be checked
//! against a device before a scenario relies on them.

use super::event::JetEvent;
use super::topic::{Op, Sel, Topic, TopicError};
use serde_json::{Map, Value};

macro_rules! event_ids {
    ($( $(#[$doc:meta])* $name:ident; )*) => {
        $( $(#[$doc])* pub const $name: &str = stringify!($name); )*
    };
}

event_ids! {
    /// A physical interface was added.
    KERNEL_EVENT_IFD_ADD;
    /// A physical interface changed.
    KERNEL_EVENT_IFD_CHANGE;
    /// A physical interface was deleted.
    KERNEL_EVENT_IFD_DELETE;
    /// A logical interface was added.
    KERNEL_EVENT_IFL_ADD;
    /// A logical interface changed.
    KERNEL_EVENT_IFL_CHANGE;
    /// A logical interface was deleted.
    KERNEL_EVENT_IFL_DELETE;
    /// An interface family was added.
    KERNEL_EVENT_IFF_ADD;
    /// An interface family changed.
    KERNEL_EVENT_IFF_CHANGE;
    /// An interface family was deleted.
    KERNEL_EVENT_IFF_DELETE;
    /// An interface address was added.
    KERNEL_EVENT_IFA_ADD;
    /// An interface address changed.
    KERNEL_EVENT_IFA_CHANGE;
    /// An interface address was deleted.
    KERNEL_EVENT_IFA_DELETE;
    /// A firewall filter was added.
    KERNEL_EVENT_FIREWALL_ADD;
    /// A firewall filter changed.
    KERNEL_EVENT_FIREWALL_CHANGE;
    /// A firewall filter was deleted.
    KERNEL_EVENT_FIREWALL_DELETE;
    /// A route was added.
    KERNEL_EVENT_ROUTE_ADD;
    /// A route changed.
    KERNEL_EVENT_ROUTE_CHANGE;
    /// A route was deleted.
    KERNEL_EVENT_ROUTE_DELETE;
    /// A route table was added.
    KERNEL_EVENT_ROUTE_TABLE_ADD;
    /// A route table changed.
    KERNEL_EVENT_ROUTE_TABLE_CHANGE;
    /// A route table was deleted.
    KERNEL_EVENT_ROUTE_TABLE_DELETE;
    /// Syslog: a commit finished.
    UI_COMMIT_COMPLETED;
    /// Syslog: a user asked for a commit.
    UI_COMMIT;
    /// Syslog: a user logged in.
    UI_LOGIN_EVENT;
    /// Syslog: a user logged out.
    UI_LOGOUT_EVENT;
    /// Syslog: a CLI command was entered.
    UI_CMDLINE_READ_LINE;
    /// Syslog: a link went down.
    SNMP_TRAP_LINK_DOWN;
    /// Syslog: a link came up.
    SNMP_TRAP_LINK_UP;
}

/// A family of kernel events (one row of the topic table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Physical interfaces.
    Ifd,
    /// Logical interfaces.
    Ifl,
    /// Interface families.
    Iff,
    /// Interface addresses.
    Ifa,
    /// Firewall filters.
    Firewall,
    /// Routes.
    Route,
    /// Route tables.
    RouteTable,
}

impl Family {
    /// Every family.
    pub const ALL: [Family; 7] = [
        Family::Ifd,
        Family::Ifl,
        Family::Iff,
        Family::Ifa,
        Family::Firewall,
        Family::Route,
        Family::RouteTable,
    ];

    /// The event-id token: `IFD`, ..., `ROUTE_TABLE`.
    pub fn token(self) -> &'static str {
        match self {
            Family::Ifd => "IFD",
            Family::Ifl => "IFL",
            Family::Iff => "IFF",
            Family::Ifa => "IFA",
            Family::Firewall => "FIREWALL",
            Family::Route => "ROUTE",
            Family::RouteTable => "ROUTE_TABLE",
        }
    }

    /// The family's name in topics and messages.
    pub fn topic_name(self) -> &'static str {
        match self {
            Family::Ifd => "ifd",
            Family::Ifl => "ifl",
            Family::Iff => "iff",
            Family::Ifa => "ifa",
            Family::Firewall => "firewall",
            Family::Route => "route",
            Family::RouteTable => "route-table",
        }
    }

    /// The attributes the topic table lists for this family.
    pub fn attribute_names(self) -> &'static [&'static str] {
        match self {
            Family::Ifd => &["name", "snmp-id", "flags"],
            Family::Ifl => &["name", "subunit", "snmp-id", "flags"],
            Family::Iff => &["name", "subunit", "family", "table-name", "flags"],
            Family::Ifa => &[
                "name",
                "subunit",
                "family",
                "local-address",
                "destination-address",
                "broadcast-address",
                "flags",
            ],
            Family::Firewall => &[
                "name",
                "version",
                "client-id",
                "filter-type",
                "protocol",
                "interface-name",
                "flags",
            ],
            Family::Route => &[
                "table-name",
                "logical-router-name",
                "address-family",
                "route-type",
                "route-prefix",
                "next-hop-address",
                "flags",
            ],
            Family::RouteTable => &["name", "logical-router-name", "address-family", "flags"],
        }
    }

    /// The family of a kernel topic.
    pub fn of_topic(topic: &Topic) -> Option<Family> {
        Some(match topic {
            Topic::Ifd { .. } => Family::Ifd,
            Topic::Ifl { .. } => Family::Ifl,
            Topic::Iff { .. } => Family::Iff,
            Topic::Ifa { .. } => Family::Ifa,
            Topic::Firewall { .. } => Family::Firewall,
            Topic::Route { .. } => Family::Route,
            Topic::RouteTable { .. } => Family::RouteTable,
            Topic::Syslog { .. } | Topic::Kernel => return None,
        })
    }
}

/// The event id of `family` and `op`, e.g. `KERNEL_EVENT_IFD_ADD`.
pub fn kernel_event_id(family: Family, op: Op) -> String {
    format!("KERNEL_EVENT_{}_{}", family.token(), op.event_suffix())
}

/// The family and operation of a kernel event id.
pub fn parse_kernel_event_id(id: &str) -> Option<(Family, Op)> {
    let rest = id.strip_prefix("KERNEL_EVENT_")?;
    let op = Op::ALL
        .into_iter()
        .find(|op| rest.ends_with(op.event_suffix()))?;
    let token = rest.strip_suffix(op.event_suffix())?.strip_suffix('_')?;
    let family = Family::ALL.into_iter().find(|f| f.token() == token)?;
    Some((family, op))
}

/// The attributes of one kernel event family, turned into an event and the
/// topic it is published on.
pub trait KernelAttributes {
    /// The family.
    const FAMILY: Family;

    /// The attributes object, with the topic table's names.
    fn attributes(&self) -> Map<String, Value>;

    /// The concrete topic (no wildcards) this event is published on.
    fn topic(&self, op: Op) -> Result<Topic, TopicError>;

    /// The `jet-event` for `op` (severity `info`, facility `KERNEL`).
    fn event(&self, op: Op, hostname: &str, time: &str) -> JetEvent {
        JetEvent::kernel(
            &kernel_event_id(Self::FAMILY, op),
            hostname,
            time,
            &self.attributes(),
        )
    }
}

fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Physical interface attributes: name, snmp-id, flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfdAttributes {
    /// Interface name, e.g. `ge-0/0/0`.
    pub name: String,
    /// SNMP ifIndex.
    pub snmp_id: u64,
    /// Interface flags.
    pub flags: u64,
}

impl KernelAttributes for IfdAttributes {
    const FAMILY: Family = Family::Ifd;
    fn attributes(&self) -> Map<String, Value> {
        obj([
            ("name", self.name.clone().into()),
            ("snmp-id", self.snmp_id.into()),
            ("flags", self.flags.into()),
        ])
    }
    fn topic(&self, op: Op) -> Result<Topic, TopicError> {
        Topic::ifd(Sel::Is(op), Some(&self.name))
    }
}

/// Logical interface attributes: name, subunit, snmp-id, flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IflAttributes {
    /// Physical interface name, e.g. `ge-0/0/0`.
    pub name: String,
    /// Unit number.
    pub subunit: u32,
    /// SNMP ifIndex.
    pub snmp_id: u64,
    /// Interface flags.
    pub flags: u64,
}

impl KernelAttributes for IflAttributes {
    const FAMILY: Family = Family::Ifl;
    fn attributes(&self) -> Map<String, Value> {
        obj([
            ("name", self.name.clone().into()),
            ("subunit", self.subunit.into()),
            ("snmp-id", self.snmp_id.into()),
            ("flags", self.flags.into()),
        ])
    }
    fn topic(&self, op: Op) -> Result<Topic, TopicError> {
        Topic::ifl(Sel::Is(op), Some(&self.name), Some(self.subunit))
    }
}

/// Interface family attributes: name, subunit, family, table-name, flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IffAttributes {
    /// Physical interface name.
    pub name: String,
    /// Unit number.
    pub subunit: u32,
    /// Family, e.g. `inet`.
    pub family: String,
    /// Routing table, e.g. `default.inet.0`.
    pub table_name: String,
    /// Flags.
    pub flags: u64,
}

impl KernelAttributes for IffAttributes {
    const FAMILY: Family = Family::Iff;
    fn attributes(&self) -> Map<String, Value> {
        obj([
            ("name", self.name.clone().into()),
            ("subunit", self.subunit.into()),
            ("family", self.family.clone().into()),
            ("table-name", self.table_name.clone().into()),
            ("flags", self.flags.into()),
        ])
    }
    fn topic(&self, op: Op) -> Result<Topic, TopicError> {
        Topic::iff(
            Sel::Is(op),
            Some(&self.name),
            Some(self.subunit),
            Some(&self.family),
        )
    }
}

/// Interface address attributes: name, subunit, family, local-, destination-
/// and broadcast-address, flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfaAttributes {
    /// Physical interface name.
    pub name: String,
    /// Unit number.
    pub subunit: u32,
    /// Family, e.g. `inet`.
    pub family: String,
    /// Local address with length, e.g. `192.168.10.1/32`.
    pub local_address: String,
    /// Destination (subnet), e.g. `192.168.10.0/24`.
    pub destination_address: String,
    /// Broadcast address, e.g. `192.168.10.255/32`.
    pub broadcast_address: String,
    /// Flags.
    pub flags: u64,
}

impl KernelAttributes for IfaAttributes {
    const FAMILY: Family = Family::Ifa;
    fn attributes(&self) -> Map<String, Value> {
        obj([
            ("name", self.name.clone().into()),
            ("subunit", self.subunit.into()),
            ("family", self.family.clone().into()),
            ("local-address", self.local_address.clone().into()),
            (
                "destination-address",
                self.destination_address.clone().into(),
            ),
            ("broadcast-address", self.broadcast_address.clone().into()),
            ("flags", self.flags.into()),
        ])
    }
    fn topic(&self, op: Op) -> Result<Topic, TopicError> {
        Topic::ifa(
            Sel::Is(op),
            Some(&self.name),
            Some(self.subunit),
            Some(&self.family),
            Some(&self.local_address),
        )
    }
}

/// Firewall filter attributes: name, version, client-id, filter-type,
/// protocol, interface-name, flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirewallAttributes {
    /// Filter name.
    pub name: String,
    /// Filter version.
    pub version: u64,
    /// Client that installed the filter.
    pub client_id: String,
    /// Filter type.
    pub filter_type: String,
    /// Protocol family, e.g. `inet`.
    pub protocol: String,
    /// Interface the filter is bound to.
    pub interface_name: String,
    /// Flags.
    pub flags: u64,
}

impl KernelAttributes for FirewallAttributes {
    const FAMILY: Family = Family::Firewall;
    fn attributes(&self) -> Map<String, Value> {
        obj([
            ("name", self.name.clone().into()),
            ("version", self.version.into()),
            ("client-id", self.client_id.clone().into()),
            ("filter-type", self.filter_type.clone().into()),
            ("protocol", self.protocol.clone().into()),
            ("interface-name", self.interface_name.clone().into()),
            ("flags", self.flags.into()),
        ])
    }
    fn topic(&self, op: Op) -> Result<Topic, TopicError> {
        Topic::firewall(Sel::Is(op), Some(&self.name))
    }
}

/// Route attributes: table-name, logical-router-name, address-family,
/// route-type, route-prefix, next-hop-address (an array), flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteAttributes {
    /// Table, e.g. `inet.0`.
    pub table_name: String,
    /// Logical router, e.g. `default`.
    pub logical_router_name: String,
    /// Family, e.g. `inet`.
    pub address_family: String,
    /// Route type.
    pub route_type: String,
    /// Prefix with length, e.g. `10.0.0.0/24`.
    pub route_prefix: String,
    /// Next-hop addresses.
    pub next_hop_addresses: Vec<String>,
    /// Flags.
    pub flags: u64,
}

impl KernelAttributes for RouteAttributes {
    const FAMILY: Family = Family::Route;
    fn attributes(&self) -> Map<String, Value> {
        obj([
            ("table-name", self.table_name.clone().into()),
            (
                "logical-router-name",
                self.logical_router_name.clone().into(),
            ),
            ("address-family", self.address_family.clone().into()),
            ("route-type", self.route_type.clone().into()),
            ("route-prefix", self.route_prefix.clone().into()),
            ("next-hop-address", self.next_hop_addresses.clone().into()),
            ("flags", self.flags.into()),
        ])
    }
    fn topic(&self, op: Op) -> Result<Topic, TopicError> {
        let bad = || TopicError::BadArgument {
            arg: "route_prefix",
            value: self.route_prefix.clone(),
            reason: "a route prefix is address/length with a length of 0..=128",
        };
        let (address, len) = self.route_prefix.split_once('/').ok_or_else(bad)?;
        let len: u8 = len.parse().ok().filter(|l| *l <= 128).ok_or_else(bad)?;
        Topic::route(
            Sel::Is(op),
            Some(&self.address_family),
            Some(address),
            Some(len),
        )
    }
}

/// Route table attributes: name, logical-router-name, address-family, flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteTableAttributes {
    /// Table, e.g. `inet.0`.
    pub name: String,
    /// Logical router, e.g. `default`.
    pub logical_router_name: String,
    /// Family, e.g. `inet`.
    pub address_family: String,
    /// Flags.
    pub flags: u64,
}

impl KernelAttributes for RouteTableAttributes {
    const FAMILY: Family = Family::RouteTable;
    fn attributes(&self) -> Map<String, Value> {
        obj([
            ("name", self.name.clone().into()),
            (
                "logical-router-name",
                self.logical_router_name.clone().into(),
            ),
            ("address-family", self.address_family.clone().into()),
            ("flags", self.flags.into()),
        ])
    }
    fn topic(&self, op: Op) -> Result<Topic, TopicError> {
        Topic::route_table(
            Sel::Is(op),
            Some(&self.name),
            Some(&self.logical_router_name),
        )
    }
}

/// A syslog event and its topic `/junos/events/syslog/<event-id>`; the
/// attributes are the message's attribute-value pairs.
pub fn syslog_event(
    event_id: &str,
    hostname: &str,
    time: &str,
    severity: &str,
    facility: &str,
    attributes: &Map<String, Value>,
) -> Result<(Topic, JetEvent), TopicError> {
    let topic = Topic::syslog(Some(event_id))?;
    let attrs = crate::jsonrpc::RawJson::from_value(&Value::Object(attributes.clone()));
    Ok((
        topic,
        JetEvent::new(event_id, hostname, time, severity, facility, attrs),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_round_trip_through_family_and_op() {
        for family in Family::ALL {
            for op in Op::ALL {
                let id = kernel_event_id(family, op);
                assert_eq!(parse_kernel_event_id(&id), Some((family, op)), "{id}");
            }
        }
        assert_eq!(kernel_event_id(Family::Ifd, Op::Add), KERNEL_EVENT_IFD_ADD);
        assert_eq!(
            kernel_event_id(Family::RouteTable, Op::Delete),
            KERNEL_EVENT_ROUTE_TABLE_DELETE
        );
        assert_eq!(parse_kernel_event_id("UI_COMMIT_COMPLETED"), None);
        assert_eq!(parse_kernel_event_id("KERNEL_EVENT_ROUTE_TABLEADD"), None);
    }
}
