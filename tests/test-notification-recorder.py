#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-test of the headless test session: the notification recorder on the
bus (driven through the real libnotify, as the app does), its log file, its
control interface, and the unlocked keyring.  TAP output.

Needs tests/session.sh (build-aux/run test); skipped (TAP 1..0 # SKIP) without it.
"""

import json
import os
import sys
import time

import gi

gi.require_version("Notify", "0.7")
gi.require_version("Secret", "1")
from gi.repository import Gio, GLib, Notify, Secret  # noqa: E402

CONTROL_NAME = "org.freedesktop.Notifications"
CONTROL_PATH = "/io/github/tradewarden/Test/Recorder"
CONTROL_IFACE = "io.github.tradewarden.Test.Recorder"

results = []


def check(name, condition, detail=""):
    results.append((name, bool(condition), detail))


def control(method, args=None, reply="()"):
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    return bus.call_sync(CONTROL_NAME, CONTROL_PATH, CONTROL_IFACE, method, args,
                         GLib.VariantType(reply), Gio.DBusCallFlags.NONE, 5000, None).unpack()


def mine():
    sender = Gio.bus_get_sync(Gio.BusType.SESSION, None).get_unique_name()
    (text,) = control("GetNotificationsFrom", GLib.Variant("(s)", (sender,)), "(s)")
    return json.loads(text)


def run_until(predicate, timeout_s=5.0):
    context = GLib.MainContext.default()
    deadline = time.monotonic() + timeout_s
    while not predicate() and time.monotonic() < deadline:
        context.iteration(False)
        time.sleep(0.005)
    return predicate()


def log_lines():
    with open(os.environ["TW_NOTIFY_LOG"], encoding="utf-8") as log:
        return [json.loads(line) for line in log if line.strip()]


def test_server_info():
    ok, name, vendor, version, spec = Notify.get_server_info()
    check("server information", ok and name == "Trade Warden test recorder" and spec == "1.2",
          "%s %s %s %s" % (name, vendor, version, spec))
    caps = Notify.get_server_caps()
    check("capabilities", set(caps) >= {"actions", "body", "persistence"}, repr(caps))


def test_notify_and_action():
    invoked = []
    closed = []
    n = Notify.Notification.new("Trading halted", "InvestIQ: 3 consecutive losses", "dialog-warning")
    n.set_urgency(Notify.Urgency.CRITICAL)
    n.set_category("x-tradewarden.breaker")
    n.set_hint("desktop-entry", GLib.Variant("s", "io.github.tradewarden.TradeWarden"))
    n.set_timeout(Notify.EXPIRES_NEVER)
    n.add_action("halt", "Halt Trading", lambda notification, action, *user: invoked.append(action))
    n.connect("closed", lambda notification: closed.append(notification.get_closed_reason()))
    check("notify via libnotify", n.show())
    nid = n.props.id
    check("server returned an id", nid > 0, "id %d" % nid)

    recorded = [r for r in mine() if r["id"] == nid]
    check("recorded once", len(recorded) == 1, json.dumps(recorded))
    if recorded:
        r = recorded[0]
        check("summary and body", r["summary"] == "Trading halted" and r["body"] == "InvestIQ: 3 consecutive losses")
        check("urgency as int", r["hints"].get("urgency") == 2 and r["urgency"] == 2, repr(r["hints"]))
        check("category and desktop-entry", r["category"] == "x-tradewarden.breaker"
              and r["desktop-entry"] == "io.github.tradewarden.TradeWarden")
        check("actions as key/label pairs", r["actions"] == ["halt", "Halt Trading"], repr(r["actions"]))
        check("expire_timeout", r["expire_timeout"] == 0, repr(r["expire_timeout"]))

    logged = [line for line in log_lines() if line.get("method") == "Notify" and line.get("id") == nid]
    check("log file has the Notify line", len(logged) == 1 and logged[0]["summary"] == "Trading halted"
          and isinstance(logged[0]["time"], float))

    # A second show() of the same object replaces it: same id
    n.update("Trading halted", "InvestIQ: 4 consecutive losses", "dialog-warning")
    n.show()
    check("replaces_id keeps the id", n.props.id == nid and
          [r["body"] for r in mine() if r["id"] == nid] == ["InvestIQ: 4 consecutive losses"])

    try:
        control("InvokeAction", GLib.Variant("(us)", (nid, "no-such-action")))
        check("unknown action refused", False)
    except GLib.Error as error:
        check("unknown action refused", "no action" in error.message, error.message)

    control("InvokeAction", GLib.Variant("(us)", (nid, "halt")))
    check("ActionInvoked reaches libnotify", run_until(lambda: invoked == ["halt"]), repr(invoked))
    check("closed as dismissed (2)", run_until(lambda: closed == [2]), repr(closed))
    state = [r for r in mine() if r["id"] == nid]
    check("recorded as closed", state and state[0]["closed"] == 2, repr(state))


def test_close_notification():
    closed = []
    n = Notify.Notification.new("Alpaca unreachable", "Cannot reach Alpaca at http://127.0.0.1:1", None)
    n.connect("closed", lambda notification: closed.append(notification.get_closed_reason()))
    n.show()
    nid = n.props.id
    n.close()
    check("CloseNotification gives reason 3", run_until(lambda: closed == [3]), repr(closed))
    check("CloseNotification logged",
          any(line.get("method") == "CloseNotification" and line.get("id") == nid for line in log_lines()))
    try:
        control("InvokeAction", GLib.Variant("(us)", (nid, "default")))
        check("action on a closed notification refused", False)
    except GLib.Error as error:
        check("action on a closed notification refused", "already closed" in error.message, error.message)


def test_clear():
    check("GetNotifications is a JSON array", isinstance(json.loads(control("GetNotifications", None, "(s)")[0]), list))
    control("Clear")
    check("Clear empties the record", mine() == [])
    check("log stays append-only", any(line.get("method") == "Clear" for line in log_lines()))


def test_keyring():
    schema = Secret.Schema.new("io.github.tradewarden.Test.Session", Secret.SchemaFlags.NONE,
                               {"probe": Secret.SchemaAttributeType.STRING})
    attrs = {"probe": "recorder-self-test"}
    stored = Secret.password_store_sync(schema, attrs, Secret.COLLECTION_DEFAULT, "session probe", "s3cret", None)
    found = Secret.password_lookup_sync(schema, attrs, None)
    Secret.password_clear_sync(schema, attrs, None)
    check("keyring unlocked (store + lookup without a prompt)", stored and found == "s3cret")


def main():
    if os.environ.get("TW_TEST_SESSION") != "1" or not os.environ.get("TW_NOTIFY_LOG"):
        print("1..0 # SKIP needs the test session: run build-aux/run test")
        return 0
    if not Notify.init("tw-recorder-self-test"):
        print("Bail out! notify_init failed")
        return 1
    for test in (test_server_info, test_notify_and_action, test_close_notification, test_clear, test_keyring):
        try:
            test()
        except Exception as error:  # a failure to talk to the bus is a failed check, not a crash
            check(test.__name__, False, "%s: %s" % (type(error).__name__, error))
    Notify.uninit()
    print("1..%d" % len(results))
    for number, (name, passed, detail) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if passed else "not ok", number, name))
        if not passed and detail:
            print("# " + detail.replace("\n", "\n# "))
    return 0 if all(passed for _, passed, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
