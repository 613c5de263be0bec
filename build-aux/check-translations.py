#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that every translation in po/LINGUAS is complete for the sources as they are now.

It extracts a fresh template from the files po/POTFILES.in lists (xgettext with the
keywords and flags of meson's i18n.gettext preset 'glib', as po/meson.build asks for),
into a temporary directory, merges each po/LL.po with it (msgmerge, as the
tradewarden-update-po target does) and fails when a message has no translation or a
fuzzy one (a fuzzy translation is never shown, so it counts as missing), or when
msgfmt --check finds an error (a format directive lost or changed). It names the first
messages missing, with where they come from. The tree is never written to.

To fix a failure: meson compile -C _build tradewarden-update-po, translate what
`msgattrib --untranslated po/LL.po` and `msgattrib --only-fuzzy po/LL.po` list (remove
the fuzzy flag only when the translation is right), and check with
msgfmt --check --statistics po/LL.po.

Before checking the tree it checks itself on small made-up trees, so a rule that
stopped firing fails the test too.
Usage: check-translations.py [SRCROOT]"""

import os
import re
import subprocess
import sys
import tempfile

PACKAGE = "tradewarden"
SHOW = 8

# meson's i18n module, PRESET_ARGS['glib'] (mesonbuild/modules/i18n.py), plus the
# -k_ its gettext script adds.
XGETTEXT_ARGS = [
    "--from-code=UTF-8", "--add-comments", "-k_",
    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format", "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format", "--flag=g_printerr:1:c-format", "--flag=g_printf:1:c-format",
    "--flag=g_fprintf:2:c-format", "--flag=g_sprintf:2:c-format",
    "--flag=g_snprintf:3:c-format",
]

FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$')


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def entries(po):
    """The messages of @po (obsolete ones left out): dicts of fields, flags, locations."""
    out = run(["msgcat", "--no-wrap", po])
    if out.returncode != 0:
        raise RuntimeError("msgcat %s: %s" % (po, out.stderr.strip()))
    for block in out.stdout.split("\n\n"):
        fields, flags, where, current = {}, [], [], None
        obsolete = False
        for line in block.strip("\n").split("\n"):
            if line.startswith("#~"):
                obsolete = True
            elif line.startswith("#,"):
                flags += [f.strip() for f in line[2:].split(",")]
            elif line.startswith("#:"):
                where += line[2:].split()
            elif line.startswith('"') and current is not None:
                fields[current] += line[1:-1]
            else:
                match = FIELD.match(line)
                if match:
                    current = match.group(1)
                    fields[current] = match.group(2)
        if not obsolete and fields.get("msgid"):
            yield {"fields": fields, "flags": flags, "where": where}


def missing_in(po):
    """(kind, msgid, locations) of each message of @po without a usable translation."""
    missing = []
    for entry in entries(po):
        strs = [v for k, v in entry["fields"].items() if k.startswith("msgstr")]
        if "fuzzy" in entry["flags"]:
            missing.append(("fuzzy", entry["fields"]["msgid"], entry["where"]))
        elif not strs or any(s == "" for s in strs):
            missing.append(("untranslated", entry["fields"]["msgid"], entry["where"]))
    return missing


def languages(root):
    langs = []
    with open(os.path.join(root, "po", "LINGUAS"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#")[0].strip()
            langs += line.split()
    return langs


def problems_of(root):
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, PACKAGE + ".pot")
        made = run(["xgettext", "--package-name=" + PACKAGE,
                    "-f", os.path.join(root, "po", "POTFILES.in"), "-D", root,
                    "-o", pot] + XGETTEXT_ARGS)
        if made.returncode != 0 or not os.path.exists(pot):
            return ["xgettext could not extract the template: " + made.stderr.strip()]
        for lang in languages(root):
            po = os.path.join(root, "po", lang + ".po")
            merged = os.path.join(tmp, lang + ".po")
            merge = run(["msgmerge", "--quiet", "--no-wrap", "-o", merged, po, pot])
            if merge.returncode != 0:
                problems.append("po/%s.po does not merge with the template: %s"
                                % (lang, merge.stderr.strip()))
                continue
            check = run(["msgfmt", "--check", "-o", os.devnull, merged])
            if check.returncode != 0:
                problems.append("po/%s.po has errors (msgfmt --check):\n%s"
                                % (lang, check.stderr.strip()))
            missing = missing_in(merged)
            if missing:
                untranslated = sum(1 for kind, _, _ in missing if kind == "untranslated")
                lines = ["po/%s.po is not complete for the sources: %d messages untranslated, "
                         "%d fuzzy (a fuzzy translation is never shown). The first ones:"
                         % (lang, untranslated, len(missing) - untranslated)]
                for kind, msgid, where in missing[:SHOW]:
                    lines.append("  %s: “%s” (%s)" % (kind, msgid, ", ".join(where[:2])))
                lines.append("Update po/%s.po (meson compile -C _build tradewarden-update-po) "
                             "and translate what msgattrib --untranslated and msgattrib "
                             "--only-fuzzy list." % lang)
                problems.append("\n".join(lines))
    return problems


HEADER = ('msgid ""\nmsgstr ""\n"Project-Id-Version: test\\n"\n"PO-Revision-Date: 2026-12-06 03:00+0000\\n"\n'
          '"Last-Translator: test\\n"\n"Language-Team: German\\n"\n"Language: de\\n"\n'
          '"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Content-Transfer-Encoding: 8bit\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')
SOURCE = ('#include <glib/gi18n.h>\n'
          'a = _("Halt trading");\n'
          'b = g_strdup_printf (_("Profile “%s” saved"), name);\n'
          'c = g_strdup_printf (ngettext ("%u service", "%u services", n), n);\n'
          'd = C_("breaker state", "Open");\n')
COMPLETE = ('msgid "Halt trading"\nmsgstr "Handel anhalten"\n\n'
            '#, c-format\nmsgid "Profile “%s” saved"\nmsgstr "Profil „%s“ gespeichert"\n\n'
            '#, c-format\nmsgid "%u service"\nmsgid_plural "%u services"\n'
            'msgstr[0] "%u Dienst"\nmsgstr[1] "%u Dienste"\n\n'
            'msgctxt "breaker state"\nmsgid "Open"\nmsgstr "Offen"\n')

# Made-up trees: source, po, and words one of the problems found must show (None: no
# problem at all). A new or changed msgid may come out of msgmerge untranslated or fuzzy.
SELF_TESTS = [
    (SOURCE, COMPLETE, None),
    # a source string added without a translation
    (SOURCE + 'e = _("Resume trading");\n', COMPLETE, "“Resume trading”"),
    # a fuzzy translation counts as missing
    (SOURCE, COMPLETE.replace('#, c-format\nmsgid "Profile', '#, fuzzy, c-format\nmsgid "Profile'),
     "fuzzy: “Profile “%s” saved”"),
    # only one of the plural forms
    (SOURCE, COMPLETE.replace('msgstr[1] "%u Dienste"', 'msgstr[1] ""'),
     "untranslated: “%u service”"),
    # a string in a context of its own is a message of its own
    (SOURCE, COMPLETE.replace('msgctxt "breaker state"\n', ''),
     "“Open”"),
    # a changed source string: the old translation is no longer used
    (SOURCE.replace("Halt trading", "Halt all trading"), COMPLETE, "“Halt all trading”"),
    # a format directive lost in translation
    (SOURCE, COMPLETE.replace('"Profil „%s“ gespeichert"', '"Profil gespeichert"'),
     "msgfmt --check"),
]


def self_test():
    failures = []
    for number, (source, po, word) in enumerate(SELF_TESTS):
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "po"))
            os.makedirs(os.path.join(root, "src"))
            files = {"src/a.c": source, "po/POTFILES.in": "src/a.c\n",
                     "po/LINGUAS": "de\n", "po/de.po": HEADER + po}
            for rel, text in files.items():
                with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
                    f.write(text)
            found = problems_of(root)
            if word is None and found:
                failures.append("case %d: expected no problem, got %s" % (number, found))
            elif word is not None and (not found or not any(word in p for p in found)):
                failures.append("case %d: expected a problem with “%s”, got %s"
                                % (number, word, found))
    return failures


def main(root):
    failures = self_test()
    for failure in failures:
        print("check-translations.py self-test: " + failure, file=sys.stderr)
    if failures:
        return 2
    problems = problems_of(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("every message of the sources is translated in: " + ", ".join(languages(root)))
    return 1 if problems else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    sys.exit(main(root))
