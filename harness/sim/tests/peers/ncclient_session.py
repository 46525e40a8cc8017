"""Drives the simulated device with ncclient (a client nobody here wrote).

Usage: python3 ncclient_session.py PORT
Prints one `ok: STEP` line per step; any failure raises, so the exit status
is non-zero and the traceback says which step.
"""
import sys

from ncclient import manager
from ncclient.operations import RPCError

PORT = int(sys.argv[1])
CONFIG = """<config><configuration><system><host-name>{}</host-name></system></configuration></config>"""


def connect():
    return manager.connect(host="127.0.0.1", port=PORT, username="admin", password="admin",
                           hostkey_verify=False, allow_agent=False, look_for_keys=False,
                           timeout=20)


m = connect()
assert int(m.session_id) > 0, m.session_id
caps = list(m.server_capabilities)
assert "urn:ietf:params:netconf:base:1.1" in caps, caps
assert "urn:ietf:params:netconf:capability:candidate:1.0" in caps, caps
print("ok: hello session-id", m.session_id)

data = m.get_config(source="running").data_xml
assert "<host-name>sim-mx480</host-name>" in data, data[:400]
print("ok: get-config")

m.lock(target="candidate")
print("ok: lock")

other = connect()
try:
    other.lock(target="candidate")
    raise SystemExit("a second session took the lock held by the first")
except RPCError as e:
    assert e.tag == "lock-denied", (e.tag, e.message)
    assert str(m.session_id) in e.xml.decode() if isinstance(e.xml, bytes) else True
    print("ok: second session refused lock-denied")
other.close_session()

m.edit_config(target="candidate", config=CONFIG.format("nc-one"))
print("ok: edit-config")
m.commit()
data = m.get_config(source="running").data_xml
assert "<host-name>nc-one</host-name>" in data, data[:400]
print("ok: commit")

m.edit_config(target="candidate", config=CONFIG.format("nc-two"))
m.commit(confirmed=True, timeout="120")
data = m.get_config(source="running").data_xml
assert "<host-name>nc-two</host-name>" in data, data[:400]
m.commit()
print("ok: confirmed commit and confirm")

m.unlock(target="candidate")
print("ok: unlock")

third = connect()
third.lock(target="candidate")
third.unlock(target="candidate")
third.close_session()
print("ok: lock free after unlock")

m.close_session()
print("ok: close-session")
