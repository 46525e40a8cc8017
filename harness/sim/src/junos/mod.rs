//! The Junos flavour of the device.

use crate::device::{Answer, Cx, Device};
use crate::rpc_error;

impl Device {
    pub(crate) fn junos_op(&mut self, cx: &Cx<'_>) -> Answer {
        rpc_error::not_supported(&cx.op.name.local, cx.path, "not yet").into()
    }
}
