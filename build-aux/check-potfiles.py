#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that po/POTFILES.in lists exactly the files holding translatable
strings: C files using _(), N_(), C_(), NC_(), ngettext() or g_dngettext(),
.ui files with translatable="yes", and the data templates.

And how the C files mark them:
- a file that marks strings includes <glib/gi18n.h> or <glib/gi18n-lib.h>
  itself (else its _() is not gettext's);
- src/core is a static library linked into several programs: it uses
  <glib/gi18n-lib.h>, whose _() names the domain (GETTEXT_PACKAGE), never
  <glib/gi18n.h>, and no core header includes either;
- src/sim speaks the trading systems' protocols: nothing in it is translated;
- ngettext () and g_dngettext () take their singular and plural as literals: xgettext
  pairs them into one msgid/msgid_plural entry only then (N_() pairs handed to a
  helper become two singular entries, and the plural is never translated).

Before checking the tree it checks itself on small made-up trees, so a rule
that stopped firing fails the test too.
Usage: check-potfiles.py [--update] [SRCROOT]   (--update rewrites the list)"""

import os
import re
import sys
import tempfile

C_MARK = re.compile(r'\b(?:_|N_|C_|NC_|ngettext)\s*\(\s*"'
                    r'|\bg_dn?gettext\s*\(\s*(?:GETTEXT_PACKAGE|NULL)\s*,\s*"')
UI_MARK = re.compile(r'translatable\s*=\s*"(?:yes|true)"')
GI18N = re.compile(r'#\s*include\s*<glib/gi18n(-lib)?\.h>')
PLURAL_NOT_LITERAL = re.compile(r'(?:\bngettext\s*\(|\bg_dngettext\s*\(\s*(?:GETTEXT_PACKAGE|NULL)\s*,)'
                                r'(?=\s*[^"\s])')
COMMENT = re.compile(r'/\*.*?\*/', re.S)


def c_files(root):
    for directory, _dirs, files in os.walk(os.path.join(root, "src")):
        for name in sorted(files):
            if name.endswith((".c", ".h")):
                path = os.path.join(directory, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    yield os.path.relpath(path, root), f.read()


def wanted(root):
    found = set()
    for rel, text in c_files(root):
        if rel.endswith(".c") and C_MARK.search(text):
            found.add(rel)
    for directory, _dirs, files in os.walk(os.path.join(root, "ui")):
        for name in files:
            if name.endswith(".ui"):
                path = os.path.join(directory, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    if UI_MARK.search(f.read()):
                        found.add(os.path.relpath(path, root))
    data = os.path.join(root, "data")
    for name in os.listdir(data):
        if name.endswith((".desktop.in", ".metainfo.xml.in", ".gschema.xml")):
            found.add(os.path.join("data", name))
    return found


def marking_problems(root):
    problems = []
    for rel, text in c_files(root):
        parts = rel.split(os.sep)
        top = parts[1] if len(parts) > 2 else ""
        include = GI18N.search(text)
        marks = C_MARK.search(text)
        if top == "sim" and (marks or include):
            problems.append("%s: the simulator speaks protocol and is not translated: "
                            "remove the translation markers" % rel)
            continue
        code = COMMENT.sub(" ", text)
        for match in PLURAL_NOT_LITERAL.finditer(code):
            line = code.count("\n", 0, match.start()) + 1
            problems.append("%s:%d: a plural call without literal strings: xgettext cannot "
                            "pair it; call ngettext (\"…\", \"…\", n) with the two literals"
                            % (rel, line))
        if marks and include is None:
            problems.append("%s marks strings for translation but includes neither "
                            "<glib/gi18n.h> nor <glib/gi18n-lib.h>: include one" % rel)
        if top == "core" and include is not None:
            if rel.endswith(".h"):
                problems.append("%s: a core header must not include %s: include "
                                "<glib/gi18n-lib.h> in the .c files" % (rel, include.group(0)))
            elif include.group(1) is None:
                problems.append("%s: src/core is a library: include <glib/gi18n-lib.h>, "
                                "not <glib/gi18n.h>" % rel)
    return problems


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


def problems_of(root):
    entries = listed(root)
    problems = []
    for entry in entries:
        if not os.path.exists(os.path.join(root, entry)):
            problems.append("po/POTFILES.in lists %s, which does not exist: remove the line" % entry)
    if entries != sorted(entries):
        problems.append("po/POTFILES.in is not sorted")
    for missing in sorted(wanted(root) - set(entries)):
        problems.append("%s has translatable strings but is not in po/POTFILES.in: add it" % missing)
    problems.extend(marking_problems(root))
    return problems


# Made-up trees: each file set, and a word every problem found in it must show
# (None: no problem at all).
SELF_TESTS = [
    ({"src/core/tw-a.c": '#include <glib/gi18n-lib.h>\nx = _("Cannot reach %s");\n'},
     None, ["src/core/tw-a.c"]),
    ({"src/core/tw-a.c": '#include <glib/gi18n-lib.h>\nx = _("Cannot reach %s");\n'},
     "not in po/POTFILES.in", []),
    ({"src/core/tw-a.c": '#include <glib/gi18n-lib.h>\n'
                         'x = g_dngettext (GETTEXT_PACKAGE, "%u file", "%u files", n);\n'},
     "not in po/POTFILES.in", []),
    ({"src/core/tw-a.c": 'x = _("Cannot reach %s");\n'},
     "includes neither", ["src/core/tw-a.c"]),
    ({"src/core/tw-a.c": '#include <glib/gi18n.h>\nx = _("Cannot reach %s");\n'},
     "is a library", ["src/core/tw-a.c"]),
    ({"src/core/tw-a.h": '#include <glib/gi18n-lib.h>\n'},
     "core header", []),
    ({"src/sim/tw-sim-a.c": '#include <glib/gi18n.h>\nx = _("not found");\n'},
     "simulator", ["src/sim/tw-sim-a.c"]),
    ({"src/ui/tw-b.c": '#include <glib/gi18n.h>\n'
                       'x = g_strdup_printf (ngettext (one, many, n), n);\n'},
     "cannot pair", ["src/ui/tw-b.c"]),
    ({"src/core/tw-a.c": '#include <glib/gi18n-lib.h>\n'
                         'x = g_dngettext (GETTEXT_PACKAGE, one, many, n);\n'},
     "cannot pair", []),
    ({"src/ui/tw-b.c": '#include <glib/gi18n.h>\n/* a direct ngettext () call */\n'
                       'x = g_strdup_printf (ngettext ("%u row",\n "%u rows", n), n);\n'},
     None, ["src/ui/tw-b.c"]),
    ({"src/core/tw-a.c": 'g_debug ("no marker here");\n',
      "src/ui/tw-b.c": '#include <glib/gi18n.h>\nx = _("Halt");\n'},
     None, ["src/ui/tw-b.c"]),
]


def self_test():
    failures = []
    for files, word, entries in SELF_TESTS:
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "po"))
            os.makedirs(os.path.join(root, "data"))
            for rel, text in files.items():
                os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
                with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
                    f.write(text)
            with open(os.path.join(root, "po", "POTFILES.in"), "w", encoding="utf-8") as f:
                f.write("".join(entry + "\n" for entry in entries))
            found = problems_of(root)
            if word is None and found:
                failures.append("%s: expected no problem, got %s" % (sorted(files), found))
            elif word is not None and (not found or not all(word in p for p in found)):
                failures.append("%s: expected a problem with “%s”, got %s"
                                % (sorted(files), word, found))
    return failures


def main(root):
    failures = self_test()
    for failure in failures:
        print("check-potfiles.py self-test: " + failure, file=sys.stderr)
    if failures:
        return 2
    problems = problems_of(root)
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
