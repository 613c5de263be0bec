#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A freedesktop notification server (spec 1.2) that records instead of showing.

Owns org.freedesktop.Notifications on the session bus and appends every call
it receives as one JSON line to $TW_NOTIFY_LOG (or --log FILE).  On the same
connection it exports a control interface for tests:

  io.github.tradewarden.Test.Recorder at /io/github/tradewarden/Test/Recorder
    InvokeAction(u id, s action_key)  emits ActionInvoked(id, key), then
                                      NotificationClosed(id, 2) unless the
                                      notification is resident
    Dismiss(u id)                     NotificationClosed(id, 2), as a user click
    Clear()                           forgets the recorded notifications (the
                                      log file stays append-only)
    GetNotifications() -> s           JSON array of the recorded Notify calls
    GetNotificationsFrom(s sender) -> s   the same, only those sent by one
                                      D-Bus unique name (a test's own)

Started by tests/session.sh; runs with Debian's /usr/bin/python3 (python3-gi).
"""

import argparse
import json
import os
import signal
import sys
import time

from gi.repository import Gio, GLib

BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
CONTROL_PATH = "/io/github/tradewarden/Test/Recorder"
CONTROL_IFACE = "io.github.tradewarden.Test.Recorder"

INTROSPECTION = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="GetCapabilities">
      <arg type="as" name="capabilities" direction="out"/>
    </method>
    <method name="Notify">
      <arg type="s" name="app_name" direction="in"/>
      <arg type="u" name="replaces_id" direction="in"/>
      <arg type="s" name="app_icon" direction="in"/>
      <arg type="s" name="summary" direction="in"/>
      <arg type="s" name="body" direction="in"/>
      <arg type="as" name="actions" direction="in"/>
      <arg type="a{sv}" name="hints" direction="in"/>
      <arg type="i" name="expire_timeout" direction="in"/>
      <arg type="u" name="id" direction="out"/>
    </method>
    <method name="CloseNotification">
      <arg type="u" name="id" direction="in"/>
    </method>
    <method name="GetServerInformation">
      <arg type="s" name="name" direction="out"/>
      <arg type="s" name="vendor" direction="out"/>
      <arg type="s" name="version" direction="out"/>
      <arg type="s" name="spec_version" direction="out"/>
    </method>
    <signal name="NotificationClosed">
      <arg type="u" name="id"/>
      <arg type="u" name="reason"/>
    </signal>
    <signal name="ActionInvoked">
      <arg type="u" name="id"/>
      <arg type="s" name="action_key"/>
    </signal>
  </interface>
  <interface name="io.github.tradewarden.Test.Recorder">
    <method name="InvokeAction">
      <arg type="u" name="id" direction="in"/>
      <arg type="s" name="action_key" direction="in"/>
    </method>
    <method name="Dismiss">
      <arg type="u" name="id" direction="in"/>
    </method>
    <method name="Clear"/>
    <method name="GetNotifications">
      <arg type="s" name="json" direction="out"/>
    </method>
    <method name="GetNotificationsFrom">
      <arg type="s" name="sender" direction="in"/>
      <arg type="s" name="json" direction="out"/>
    </method>
  </interface>
</node>
"""

# NotificationClosed reasons (spec 1.2)
REASON_EXPIRED = 1
REASON_DISMISSED = 2
REASON_CLOSED_BY_CALL = 3


def to_json_value(value):
    """Convert an unpacked GVariant into something json.dumps accepts."""
    if isinstance(value, (bytes, bytearray)):
        return {"bytes": len(value)}
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        # image-data (iiibiiay) unpacks to a tuple ending in a list of ints: keep it short
        if len(value) > 64 and all(isinstance(v, int) for v in value):
            return {"bytes": len(value)}
        return [to_json_value(v) for v in value]
    return value


class Recorder:
    def __init__(self, log_path):
        self.log_path = log_path
        self.log = open(log_path, "a", encoding="utf-8") if log_path else None
        self.next_id = 1
        self.notifications = {}   # id -> latest record (open or closed)
        self.order = []           # ids in order of their first Notify
        self.connection = None

    # -- log ---------------------------------------------------------------

    def write(self, record):
        record.setdefault("time", time.time())
        if self.log:
            self.log.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            self.log.flush()

    # -- signals -----------------------------------------------------------

    def emit(self, name, params):
        self.connection.emit_signal(None, OBJECT_PATH, BUS_NAME, name, params)

    def close(self, nid, reason):
        record = self.notifications.get(nid)
        if record is None or record.get("closed") is not None:
            return False
        record["closed"] = reason
        self.emit("NotificationClosed", GLib.Variant("(uu)", (nid, reason)))
        self.write({"method": "NotificationClosed", "id": nid, "reason": reason})
        return True

    # -- org.freedesktop.Notifications -------------------------------------

    def notify(self, sender, params):
        app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout = params.unpack()
        if replaces_id and replaces_id in self.notifications:
            nid = replaces_id
        else:
            nid = self.next_id
            self.next_id += 1
            self.order.append(nid)
        plain_hints = {key: to_json_value(hints[key]) for key in hints}
        record = {
            "method": "Notify",
            "sender": sender,
            "app_name": app_name,
            "replaces_id": replaces_id,
            "app_icon": app_icon,
            "summary": summary,
            "body": body,
            "actions": list(actions),
            "hints": plain_hints,
            "urgency": plain_hints.get("urgency", 1),
            "category": plain_hints.get("category"),
            "desktop-entry": plain_hints.get("desktop-entry"),
            "resident": bool(plain_hints.get("resident", False)),
            "expire_timeout": expire_timeout,
            "id": nid,
            "time": time.time(),
        }
        self.write(dict(record))
        record["closed"] = None
        self.notifications[nid] = record
        return GLib.Variant("(u)", (nid,))

    # -- dispatch ----------------------------------------------------------

    def on_method_call(self, connection, sender, path, iface, method, params, invocation):
        try:
            result = self.dispatch(sender, iface, method, params)
        except ValueError as error:
            invocation.return_dbus_error("org.freedesktop.DBus.Error.InvalidArgs", str(error))
            return
        invocation.return_value(result)

    def dispatch(self, sender, iface, method, params):
        if iface == BUS_NAME:
            if method == "Notify":
                return self.notify(sender, params)
            if method == "GetCapabilities":
                self.write({"method": method, "sender": sender})
                return GLib.Variant("(as)", (["actions", "body", "persistence"],))
            if method == "GetServerInformation":
                self.write({"method": method, "sender": sender})
                return GLib.Variant("(ssss)", ("Trade Warden test recorder", "tradewarden", "1.0", "1.2"))
            if method == "CloseNotification":
                (nid,) = params.unpack()
                self.write({"method": method, "sender": sender, "id": nid})
                # Unknown or already closed: nothing to close, no signal (as GNOME Shell does).
                self.close(nid, REASON_CLOSED_BY_CALL)
                return None
        elif iface == CONTROL_IFACE:
            if method == "InvokeAction":
                nid, key = params.unpack()
                record = self.open_record(nid)
                keys = record["actions"][0::2]
                if key not in keys:
                    raise ValueError("notification %u has no action “%s” (it has: %s)"
                                     % (nid, key, ", ".join(keys) or "none"))
                self.write({"method": "InvokeAction", "id": nid, "action_key": key})
                self.emit("ActionInvoked", GLib.Variant("(us)", (nid, key)))
                if not record["resident"]:
                    self.close(nid, REASON_DISMISSED)
                return None
            if method == "Dismiss":
                (nid,) = params.unpack()
                self.open_record(nid)
                self.write({"method": "Dismiss", "id": nid})
                self.close(nid, REASON_DISMISSED)
                return None
            if method == "Clear":
                self.write({"method": "Clear"})
                self.notifications.clear()
                self.order.clear()
                return None
            if method == "GetNotifications":
                return GLib.Variant("(s)", (self.dump(None),))
            if method == "GetNotificationsFrom":
                (wanted,) = params.unpack()
                return GLib.Variant("(s)", (self.dump(wanted),))
        raise ValueError("unknown method %s.%s" % (iface, method))

    def open_record(self, nid):
        record = self.notifications.get(nid)
        if record is None:
            raise ValueError("no notification with id %u was recorded" % nid)
        if record["closed"] is not None:
            raise ValueError("notification %u is already closed (reason %u)" % (nid, record["closed"]))
        return record

    def dump(self, sender):
        records = [self.notifications[nid] for nid in self.order if nid in self.notifications]
        if sender is not None:
            records = [r for r in records if r["sender"] == sender]
        return json.dumps(records, ensure_ascii=False, sort_keys=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", default=os.environ.get("TW_NOTIFY_LOG"),
                        help="file that receives one JSON line per call (default: $TW_NOTIFY_LOG)")
    parser.add_argument("--replace", action="store_true",
                        help="take the name over from another notification server")
    args = parser.parse_args()

    recorder = Recorder(args.log)
    loop = GLib.MainLoop()
    connection = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    recorder.connection = connection
    node = Gio.DBusNodeInfo.new_for_xml(INTROSPECTION)
    connection.register_object(OBJECT_PATH, node.interfaces[0], recorder.on_method_call, None, None)
    connection.register_object(CONTROL_PATH, node.interfaces[1], recorder.on_method_call, None, None)

    status = {"code": 0}

    def on_acquired(_connection, name):
        print("READY %s %s" % (name, connection.get_unique_name()), flush=True)

    def on_lost(_connection, name):
        print("notification-recorder: could not own %s: another notification server holds it "
              "(use --replace, or run inside tests/session.sh)" % name, file=sys.stderr, flush=True)
        status["code"] = 1
        loop.quit()

    flags = Gio.BusNameOwnerFlags.ALLOW_REPLACEMENT
    if args.replace:
        flags |= Gio.BusNameOwnerFlags.REPLACE
    owner = Gio.bus_own_name_on_connection(connection, BUS_NAME, flags, on_acquired, on_lost)

    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, lambda: (loop.quit(), GLib.SOURCE_REMOVE)[1])
    loop.run()
    Gio.bus_unown_name(owner)
    return status["code"]


if __name__ == "__main__":
    sys.exit(main())
