"""Drives the simulated device with Juniper PyEZ (junos-eznc).

Usage: python3 pyez_session.py PORT
Prints one `ok: STEP` line per step; any failure raises.
"""
import sys

from jnpr.junos import Device
from jnpr.junos.utils.config import Config

PORT = int(sys.argv[1])

dev = Device(host="127.0.0.1", port=PORT, user="admin", passwd="admin")
dev.open()
facts = dev.facts
initial = facts["hostname"]
assert initial, facts
assert facts["model"] == "MX480", facts["model"]
assert facts["version"] == "20.4R3.8", facts["version"]
assert facts["serialnumber"], facts
assert facts["master"] == "RE0", facts["master"]
assert facts["2RE"] is False, facts["2RE"]
assert facts["RE0"]["status"] == "OK", facts["RE0"]
print("ok: open and facts", facts["hostname"], facts["model"], facts["version"])

inv = dev.rpc.get_chassis_inventory()
serial = inv.findtext(".//chassis/serial-number")
assert serial == facts["serialnumber"], serial
print("ok: get-chassis-inventory serial", serial)

cu = Config(dev)
cu.lock()
cu.load("set system host-name pyez-one", format="set")
diff = cu.diff()
assert diff and "pyez-one" in diff, diff
assert cu.commit(comment="from pyez")
print("ok: load set and commit")

cfg = dev.rpc.get_config(filter_xml="<system><host-name/></system>")
assert cfg.findtext(".//host-name") == "pyez-one", cfg.findtext(".//host-name")

cu.rollback(rb_id=1)
assert cu.commit()
cfg = dev.rpc.get_config(filter_xml="<system><host-name/></system>")
assert cfg.findtext(".//host-name") == initial, cfg.findtext(".//host-name")
cu.unlock()
print("ok: rollback 1 and commit")

dev.close()
print("ok: close")
