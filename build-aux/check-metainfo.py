#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks what `appstreamcli validate` does not about the metainfo.

  check-metainfo.py METAINFO SOURCE_ROOT PROJECT_VERSION

- the newest release is the project's version (meson.build), releases newest first;
- a content rating;
- every screenshot has a caption, and its image is a PNG of docs/screenshots
  that exists in the tree (the URL names the file in the repository);
- a default screenshot;
- the branding colour, for the light and the dark style, each #RRGGBB;
- keywords.

Prints one line per problem and exits 1 when there is any.
"""

import os
import re
import sys
import xml.etree.ElementTree as ET

SCREENSHOT_PREFIX = "https://raw.githubusercontent.com/tradewarden/tradewarden/main/"


def check(metainfo, root, version):
    problems = []
    component = ET.parse(metainfo).getroot()

    releases = component.findall("releases/release")
    if not releases:
        problems.append("no <release>")
    else:
        if releases[0].get("version") != version:
            problems.append("the newest release is %s, the project's version %s"
                            % (releases[0].get("version"), version))
        dates = [r.get("date", "") for r in releases]
        if dates != sorted(dates, reverse=True):
            problems.append("releases are not newest first: %s" % dates)
        for release in releases:
            if release.find("description") is None:
                problems.append("release %s has no description" % release.get("version"))

    if component.find("content_rating") is None:
        problems.append("no <content_rating>")

    screenshots = component.findall("screenshots/screenshot")
    if not screenshots:
        problems.append("no <screenshot>")
    if not any(s.get("type") == "default" for s in screenshots):
        problems.append("no default screenshot")
    for shot in screenshots:
        image = (shot.findtext("image") or "").strip()
        caption = (shot.findtext("caption") or "").strip()
        if not caption:
            problems.append("screenshot %s has no caption" % image)
        if not image.startswith(SCREENSHOT_PREFIX + "docs/screenshots/") or not image.endswith(".png"):
            problems.append("screenshot %s is not a PNG of docs/screenshots" % image)
            continue
        path = os.path.join(root, image[len(SCREENSHOT_PREFIX):])
        if not os.path.isfile(path):
            problems.append("screenshot %s: %s does not exist" % (image, path))
        else:
            with open(path, "rb") as f:
                if f.read(8) != b"\x89PNG\r\n\x1a\n":
                    problems.append("screenshot %s: %s is not a PNG" % (image, path))

    colours = {c.get("scheme_preference"): (c.text or "").strip()
               for c in component.findall("branding/color") if c.get("type") == "primary"}
    for scheme in ("light", "dark"):
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colours.get(scheme, "")):
            problems.append("no primary branding colour for the %s style" % scheme)

    keywords = [k.text for k in component.findall("keywords/keyword") if (k.text or "").strip()]
    if len(keywords) < 5:
        problems.append("only %d keywords" % len(keywords))
    return problems


def main():
    metainfo, root, version = sys.argv[1:4]
    problems = check(metainfo, root, version)
    for problem in problems:
        print("%s: %s" % (metainfo, problem))
    if not problems:
        print("%s: releases, content rating, captioned screenshots, branding and keywords are there"
              % metainfo)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
