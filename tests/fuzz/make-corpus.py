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
The other seeds (connector files, profiles, .env files) are kept by hand."""

import hashlib
import json
import os
import re
import subprocess
import sys
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
    for kind in ("answer", "multistatus"):
        folder = os.path.join(HERE, "corpus", kind)
        for name in os.listdir(folder) if os.path.isdir(folder) else ():
            if name.startswith(("sim-", "runbook-")):
                os.unlink(os.path.join(folder, name))


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
