#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Refreshes the simulator's part of the seed corpus in tests/fuzz/corpus/:
runs tradewarden-sim on free loopback ports, sends every GET operation of every
shipped connector (with the simulator's demo credentials), a refused call and a
wrong path to each system, and Alpaca's two multi-status calls, and writes each
distinct answer body to corpus/answer/ or corpus/multistatus/.

Usage: tests/fuzz/make-corpus.py [PATH-TO-tradewarden-sim]   (default _build/src/sim/)
It also copies every answer body of the runbooks' examples (tests/fixtures/runbooks)
to corpus/answer/runbook-*. Earlier sim-* and runbook-* seeds are replaced, so that no
seed keeps a shape the simulator or the runbooks no longer have.
It writes corpus/webhook/: Alertmanager's webhook payloads (version 4) as its
documentation shows them (doc-*), as tests/test-alerts.c posts them (test-*), and,
when prometheus-alertmanager is installed, as a real Alertmanager sends them to a
loopback receiver for a firing and then a resolved group (am-*).
The other seeds (connector files, profiles, .env files) are kept by hand."""

import hashlib
import http.server
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SIM = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "_build", "src", "sim", "tradewarden-sim")
# The simulator's defaults (tradewarden-sim --help).
SECRETS = {
    "api_key": "demo-api-key-1",
    "live_trading_key": "demo-live-trading-key",
    "key_id": "PKDEMO0000000000000",
    "secret_key": "demo-alpaca-secret-0000000000000000000000",
}
VARS = {"symbol": "SPY", "id": "1", "days": "7", "breaker": "polygon"}


def fetch(method, url, headers):
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def save(kind, name, body, prefix="sim"):
    if not body.strip():
        return
    folder = os.path.join(HERE, "corpus", kind)
    os.makedirs(folder, exist_ok=True)
    digest = hashlib.sha1(body).hexdigest()[:8]
    for existing in os.listdir(folder):
        if existing.endswith(digest):
            return
    with open(os.path.join(folder, f"{prefix}-{name}-{digest}"), "wb") as out:
        out.write(body)


def forget_generated():
    generated = {"answer": ("sim-", "runbook-"), "multistatus": ("sim-",),
                 "webhook": ("doc-", "test-", "am-")}
    for kind, prefixes in generated.items():
        folder = os.path.join(HERE, "corpus", kind)
        for name in os.listdir(folder) if os.path.isdir(folder) else ():
            if name.startswith(prefixes):
                os.unlink(os.path.join(folder, name))


# Alertmanager's webhook_config (prometheus.io/docs/alerting/latest/configuration/
# #webhook_config): the payload's fields, filled in as Alertmanager fills them. The
# console's profile in fuzz-webhook.c has an Alertmanager at http://127.0.0.1:9093.
def webhook(alerts, status="firing", external="http://127.0.0.1:9093", **extra):
    common = {}
    if alerts:
        common = {k: v for k, v in alerts[0]["labels"].items()
                  if all(a["labels"].get(k) == v for a in alerts)}
    payload = {
        "version": "4",
        "groupKey": "{}:{alertname=\"%s\"}" % common.get("alertname", ""),
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "console",
        "groupLabels": {"alertname": common["alertname"]} if "alertname" in common else {},
        "commonLabels": common,
        "commonAnnotations": {},
        "externalURL": external,
        "alerts": alerts,
    }
    payload.update(extra)
    return payload


def alert(fingerprint, name, status="firing", severity="critical", ends="0001-01-01T00:00:00Z",
          starts="2026-12-06T01:00:00.000Z", **annotations):
    return {
        "status": status,
        "labels": {"alertname": name, "severity": severity, "service": "investiq",
                   "instance": "127.0.0.1:8000", "job": "investiq"},
        "annotations": annotations,
        "startsAt": starts,
        "endsAt": ends,
        "generatorURL": "http://127.0.0.1:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1",
        "fingerprint": fingerprint,
    }


def save_webhook_examples():
    docs = {
        "firing": webhook([alert("1a30ba71cca2921f", "ServiceDown",
                                 summary="investiq is down",
                                 description="Instance 127.0.0.1:8000 has been down for over 5m.",
                                 runbook_url="https://runbooks.invalid/ServiceDown")]),
        "resolved": webhook([alert("1a30ba71cca2921f", "ServiceDown", status="resolved",
                                   ends="2026-12-06T01:05:00.000Z", summary="investiq is down")],
                            status="resolved"),
        "group": webhook([alert("c6eadffa33fcdf37", "HighErrorRate", severity="warning",
                                starts="2026-12-06T09:51:03.157076876+02:00",
                                summary="5xx above 5 %"),
                          alert("bc97ff14869b13e3", "HighErrorRate", severity="warning",
                                status="resolved", ends="2026-12-06T01:10:00Z"),
                          alert("0f1e2d3c4b5a6978", "HighErrorRate", severity="page",
                                runbook_url="file:///etc/passwd")],
                         truncatedAlerts=2),
        "other-alertmanager": webhook([alert("77aa", "KillSwitchActive", severity="critical",
                                             summary="Kill switch on \u00fcberall \U0001F6A8")],
                                      external="http://alertmanager.example.org:9093/"),
        "no-optional-fields": {"version": "4", "alerts": [
            {"status": "firing", "fingerprint": "minimal", "labels": {}}]},
        "empty-group": webhook([]),
    }
    for name, payload in docs.items():
        body = json.dumps(payload, indent=2, ensure_ascii=name != "other-alertmanager")
        save("webhook", name, body.encode(), prefix="doc")

    # tests/test-alerts.c: WEBHOOK (ALERT ...) and the payloads its parser test refuses.
    tests = [
        webhook([alert("f1", "HighErrorRate", summary="HighErrorRate on investiq",
                       runbook_url="https://runbooks.invalid/HighErrorRate"),
                 alert("f2", "ServiceDown", severity="warning", status="resolved")]),
        {"version": "4", "status": "firing", "alerts": [
            {"status": "firing", "fingerprint": "s%d" % i,
             "labels": {"alertname": "S%d" % (i % 3)}} for i in range(20)]},
        "not json",
        [],
        {"version": "3", "alerts": []},
        {"version": 4, "alerts": []},
        {"version": "4"},
        {"version": "4", "alerts": {}},
        {"version": "4", "alerts": [42]},
        {"version": "4", "alerts": [{"status": "firing", "labels": {}}]},
        {"version": "4", "alerts": [{"status": "firing", "fingerprint": 7, "labels": {}}]},
        {"version": "4", "alerts": [{"status": "firing", "fingerprint": "a"}]},
        {"version": "4", "alerts": [{"status": "firing", "fingerprint": "a", "labels": []}]},
        {"version": "4", "alerts": [{"status": "firing", "fingerprint": "a", "labels": {"x": 1}}]},
        {"version": "4", "alerts": [{"status": "burning", "fingerprint": "a", "labels": {}}]},
        {"version": "4", "alerts": [{"status": "firing", "fingerprint": "a", "labels": {},
                                     "startsAt": "yesterday"}]},
        {"version": "4", "alerts": [{"status": "firing", "fingerprint": "a", "labels": {},
                                     "annotations": {"summary": None}}]},
    ]
    for i, payload in enumerate(tests):
        body = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
        save("webhook", "%02d" % i, body.encode(), prefix="test")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def save_alertmanager_payloads():
    """A real Alertmanager's webhooks: a firing group of two, then one of them resolved."""
    binary = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    if binary is None:
        print("make-corpus: prometheus-alertmanager is not installed; no am-* webhook seeds")
        return
    bodies = queue.Queue()

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            bodies.put(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    folder = tempfile.mkdtemp(prefix="tw-make-corpus-")
    with open(os.path.join(folder, "alertmanager.yml"), "w") as f:
        f.write("route:\n  receiver: console\n  group_by: ['alertname']\n"
                "  group_wait: 0s\n  group_interval: 1s\n  repeat_interval: 1h\n"
                "receivers:\n  - name: console\n    webhook_configs:\n"
                "      - url: http://127.0.0.1:%d/\n        send_resolved: true\n"
                % server.server_address[1])
    am = subprocess.Popen([binary, "--config.file=" + os.path.join(folder, "alertmanager.yml"),
                           "--storage.path=" + os.path.join(folder, "data"),
                           "--web.listen-address=127.0.0.1:%d" % port, "--web.external-url=" + url,
                           "--cluster.listen-address=", "--log.level=warn"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                fetch("GET", url + "/-/ready", {})
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        now = time.time()
        stamp = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        def post(alerts):
            request = urllib.request.Request(url + "/api/v2/alerts", method="POST",
                                             data=json.dumps(alerts).encode(),
                                             headers={"Content-Type": "application/json"})
            urllib.request.urlopen(request, timeout=10).read()
        labels = [{"alertname": "HighErrorRate", "severity": "critical", "service": s}
                  for s in ("investiq", "alpaca")]
        annotations = {"summary": "5xx above 5 %", "runbook_url": "https://runbooks.invalid/x"}
        post([{"labels": l, "annotations": annotations, "startsAt": stamp(now - 60),
               "generatorURL": "http://127.0.0.1:9090/graph"} for l in labels])
        save("webhook", "firing", bodies.get(timeout=30), prefix="am")
        post([{"labels": labels[0], "annotations": annotations, "startsAt": stamp(now - 60),
               "endsAt": stamp(now - 1)}])
        while True:
            body = bodies.get(timeout=30)
            if b'"resolved"' in body:
                save("webhook", "resolved", body, prefix="am")
                break
    finally:
        am.terminate()
        am.wait()
        server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


def save_runbook_examples():
    fixtures = os.path.join(ROOT, "tests", "fixtures", "runbooks")
    for system in sorted(os.listdir(fixtures)):
        for path in sorted(os.listdir(os.path.join(fixtures, system))):
            with open(os.path.join(fixtures, system, path)) as f:
                fixture = json.load(f)
            if "body" in fixture:
                body = json.dumps(fixture["body"], separators=(",", ":")).encode()
                save("answer", f"{system}-{path[:-len('.json')]}", body, prefix="runbook")


def expand(template, values):
    return re.sub(r"\$\{(secret:)?([a-z_]+)(:raw)?\}", lambda m: values.get(m.group(2), ""), template)


def main():
    forget_generated()
    save_runbook_examples()
    save_webhook_examples()
    save_alertmanager_payloads()
    sim = subprocess.Popen([SIM, "--port", "0"], stdout=subprocess.PIPE, text=True)
    urls = {}
    try:
        for line in sim.stdout:
            flavor, _, url = line.strip().partition("=")
            urls[flavor] = url
            if len(urls) == 5:
                break
        for path in sorted(os.listdir(os.path.join(ROOT, "data", "connectors"))):
            if not path.endswith(".json"):
                continue
            with open(os.path.join(ROOT, "data", "connectors", path)) as f:
                connector = json.load(f)
            # Connectors of systems the simulator does not play (cron-bot, ofrep,
            # prometheus-alertmanager): their answers come from elsewhere.
            if connector["id"] not in urls:
                continue
            base = urls[connector["id"]]
            common = {k: expand(v, SECRETS) for k, v in connector.get("headers", {}).items()}
            for name, op in sorted(connector["operations"].items()):
                if op["method"] != "GET":
                    continue
                headers = dict(common)
                headers.update({k: expand(v, SECRETS) for k, v in op.get("headers", {}).items()})
                status, body = fetch("GET", base + expand(op["path"], VARS), headers)
                save("answer", f"{connector['id']}-{name}-{status}", body)
            status, body = fetch("GET", base + connector["operations"]["health"]["path"], {})
            save("answer", f"{connector['id']}-unauthorized-{status}", body)
            status, body = fetch("GET", base + "/no/such/path", common)
            save("answer", f"{connector['id']}-not-found-{status}", body)
            if connector["id"] == "alpaca":
                for what, path in (("cancel-all", "/v2/orders"), ("close-all", "/v2/positions")):
                    status, body = fetch("DELETE", base + path, common)
                    save("multistatus", f"alpaca-{what}-{status}", body)
    finally:
        sim.terminate()
        sim.wait()


if __name__ == "__main__":
    main()
