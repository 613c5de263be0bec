#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that the C core names no particular trading system: no string literal
in src/core (comments do not count) holds a connector id or a vendor host.

What a system is lives in its connector file (data/connectors/*.json): its
roles, its live and paper hosts, its .env variables, its secret formats, its
refusals. The words looked for are taken from those files, so the list cannot
go stale: each connector's "id", the first part of a hyphenated id when it is a
name of its own ("ibkr" of "ibkr-assistant"), and every host of its "hosts" and
of its "default_base_url" (loopback and IP addresses aside). Matching ignores
case and finds the words inside longer literals ("… Alpaca API …").

Before checking the tree it checks itself on a small made-up source, so a
lexer that stopped seeing literals fails the test too.
Usage: check-connector-literals.py [SRCROOT]"""

import ipaddress
import json
import os
import re
import sys
from urllib.parse import urlparse

SOURCE_SUFFIXES = ('.c', '.h')
# Parts of a hyphenated id too generic to mean one system ("trading" of "ai-trading").
GENERIC_PARTS = {'ai', 'api', 'bot', 'trading', 'trader', 'broker', 'assistant', 'style',
                 # "prometheus" of prometheus-alertmanager is also the name of a text
                 # format the core parses for any connector ("format": "prometheus")
                 'prometheus'}


def string_literals(text):
    """Yields (line, literal) for each "…" literal outside comments and
    character constants; adjacent literals are separate."""
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c == '\n':
            line += 1
            i += 1
        elif text.startswith('/*', i):
            end = text.find('*/', i + 2)
            end = n if end < 0 else end + 2
            line += text.count('\n', i, end)
            i = end
        elif text.startswith('//', i):
            end = text.find('\n', i)
            i = n if end < 0 else end
        elif c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == '\\' else 1
            i = j + 1
        elif c == '"':
            j, start_line, value = i + 1, line, []
            while j < n and text[j] != '"':
                if text[j] == '\\':
                    value.append(text[j:j + 2])
                    if text[j + 1:j + 2] == '\n':
                        line += 1
                    j += 2
                else:
                    if text[j] == '\n':
                        line += 1
                    value.append(text[j])
                    j += 1
            yield start_line, ''.join(value)
            i = j + 1
        elif text.startswith('#include', i):
            # Header names are not literals the program uses.
            end = text.find('\n', i)
            i = n if end < 0 else end
        else:
            i += 1


def host_of(url):
    host = urlparse(url).hostname
    if not host or host == 'localhost':
        return None
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        return host.lower()


def words_from_connectors(folder):
    words = set()
    files = sorted(f for f in os.listdir(folder) if f.endswith('.json'))
    if not files:
        raise SystemExit('no connector files in %s' % folder)
    for name in files:
        with open(os.path.join(folder, name), encoding='utf-8') as f:
            connector = json.load(f)
        cid = connector['id'].lower()
        words.add(cid)
        first = cid.split('-')[0]
        if '-' in cid and len(first) >= 4 and first not in GENERIC_PARTS:
            words.add(first)
        hosts = connector.get('hosts', {})
        for kind in ('live', 'paper'):
            words.update(h.lower() for h in hosts.get(kind, []))
        if 'default_base_url' in connector:
            host = host_of(connector['default_base_url'])
            if host:
                words.add(host)
    return words


def find(text, words):
    found = []
    for line, literal in string_literals(text):
        lower = literal.lower()
        hits = sorted(w for w in words if w in lower)
        if hits:
            found.append((line, literal, hits))
    return found


def self_check():
    sample = '''/* "alpaca" in a comment is fine */
// so is "investiq" here
static const char c = '"';
#include "tw-alpaca-free.h"
const char *a = "nothing to see";
const char *b = "The Alpaca API"
                "!";
const char *d = "see \\"api.alpaca.markets\\"";
'''
    found = find(sample, {'alpaca', 'investiq', 'api.alpaca.markets'})
    lines = [line for line, _, _ in found]
    if lines != [6, 8]:
        raise SystemExit('self-check failed: expected literals on lines 6 and 8, found %r' % found)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
    self_check()
    words = words_from_connectors(os.path.join(root, 'data', 'connectors'))
    core = os.path.join(root, 'src', 'core')
    failures = 0
    for folder, _, files in sorted(os.walk(core)):
        for name in sorted(files):
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding='utf-8') as f:
                text = f.read()
            for line, literal, hits in find(text, words):
                failures += 1
                print('%s:%d: "%s" names %s: say it in the connector file instead'
                      % (os.path.relpath(path, root), line, literal, ', '.join(hits)))
    print('checked src/core for %d words from data/connectors: %s'
          % (len(words), ', '.join(sorted(words))))
    if failures:
        print('%d literal(s) name a particular system' % failures)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
