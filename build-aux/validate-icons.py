#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the application icons: the full-colour one renders at the sizes the
desktop uses, the symbolic one is 16x16 and uses no colour but the one GTK
recolours. Usage: validate-icons.py SCALABLE.svg SYMBOLIC.svg"""

import re
import sys
import xml.etree.ElementTree as ET

import gi

gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf, GLib  # noqa: E402

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def opaque_pixels(pixbuf):
    data = pixbuf.get_pixels()
    n, stride = pixbuf.get_n_channels(), pixbuf.get_rowstride()
    if n != 4:
        return pixbuf.get_width() * pixbuf.get_height()
    return sum(1 for y in range(pixbuf.get_height()) for x in range(pixbuf.get_width())
               if data[y * stride + x * n + 3] > 0)


def main(scalable, symbolic):
    for size in (16, 32, 64, 128, 256):
        try:
            pixbuf = GdkPixbuf.Pixbuf.new_from_file_at_size(scalable, size, size)
        except GLib.Error as error:
            check(False, "%s does not render at %d px: %s" % (scalable, size, error.message))
            continue
        check(pixbuf.get_width() == size and pixbuf.get_height() == size,
              "%s renders as %dx%d at %d px: it must be square" % (scalable, pixbuf.get_width(), pixbuf.get_height(), size))
        check(opaque_pixels(pixbuf) > size * size // 4, "%s is mostly empty at %d px" % (scalable, size))

    root = ET.parse(symbolic).getroot()
    check(root.get("width") == "16" and root.get("height") == "16" and root.get("viewBox") == "0 0 16 16",
          "%s must be a 16x16 canvas" % symbolic)
    text = open(symbolic, encoding="utf-8").read()
    colours = set(c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", text))
    check(colours <= {"#222222", "#2e3436", "#000000"},
          "%s uses colours %s; symbolic icons are drawn in one dark colour that GTK recolours" % (symbolic, sorted(colours)))
    check("<image" not in text and "<text" not in text, "%s must be plain paths, no images or text" % symbolic)
    try:
        GdkPixbuf.Pixbuf.new_from_file_at_size(symbolic, 16, 16)
    except GLib.Error as error:
        check(False, "%s does not render: %s" % (symbolic, error.message))

    for message in failures:
        print(message, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
