#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that po/POTFILES.in lists exactly the files holding translatable
strings: C files using _(), N_(), C_() or NC_(), .ui files with
translatable="yes", and the data templates.
Usage: check-potfiles.py [--update] [SRCROOT]   (--update rewrites the list)"""

import os
import re
import sys

C_MARK = re.compile(r'\b(?:_|N_|C_|NC_|g_dngettext|ngettext)\s*\(\s*"')
UI_MARK = re.compile(r'translatable\s*=\s*"(?:yes|true)"')


def wanted(root):
    found = set()
    for top in ("src", "ui"):
        for directory, _dirs, files in os.walk(os.path.join(root, top)):
            for name in files:
                path = os.path.join(directory, name)
                rel = os.path.relpath(path, root)
                if name.endswith(".c"):
                    with open(path, encoding="utf-8", errors="replace") as f:
                        text = f.read()
                    if "glib/gi18n" in text and C_MARK.search(text):
                        found.add(rel)
                elif name.endswith(".ui"):
                    with open(path, encoding="utf-8", errors="replace") as f:
                        if UI_MARK.search(f.read()):
                            found.add(rel)
    data = os.path.join(root, "data")
    for name in os.listdir(data):
        if name.endswith((".desktop.in", ".metainfo.xml.in", ".gschema.xml")):
            found.add(os.path.join("data", name))
    return found


def listed(root):
    entries = []
    with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                entries.append(line)
    return entries


HEADER = """# List of source files containing translatable strings.
# Kept sorted; build-aux/check-potfiles.py --update rewrites it, the data tests check it.
"""


def update(root):
    with open(os.path.join(root, "po", "POTFILES.in"), "w", encoding="utf-8") as f:
        f.write(HEADER + "".join(entry + "\n" for entry in sorted(wanted(root))))


def main(root):
    entries = listed(root)
    problems = []
    for entry in entries:
        if not os.path.exists(os.path.join(root, entry)):
            problems.append("po/POTFILES.in lists %s, which does not exist: remove the line" % entry)
    if entries != sorted(entries):
        problems.append("po/POTFILES.in is not sorted")
    for missing in sorted(wanted(root) - set(entries)):
        problems.append("%s has translatable strings but is not in po/POTFILES.in: add it" % missing)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    do_update = "--update" in args
    args = [a for a in args if a != "--update"]
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    if do_update:
        update(root)
    sys.exit(main(root))
