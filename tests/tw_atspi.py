# SPDX-License-Identifier: GPL-3.0-or-later
"""What a screen-reader user meets: the console's accessible tree through AT-SPI
(pyatspi), and key presses through XTest (no pointer). For tests/test-a11y.py."""

import ctypes
import ctypes.util
import os
import re
import time

import pyatspi
from gi.repository import Atspi

# Roles a person operates: each needs a name that says what it does.
OPERABLE = {
    pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_RADIO_BUTTON, pyatspi.ROLE_COMBO_BOX, pyatspi.ROLE_TEXT, pyatspi.ROLE_ENTRY,
    pyatspi.ROLE_PASSWORD_TEXT, pyatspi.ROLE_SPIN_BUTTON, pyatspi.ROLE_MENU_ITEM,
    pyatspi.ROLE_CHECK_MENU_ITEM, pyatspi.ROLE_RADIO_MENU_ITEM, pyatspi.ROLE_LINK,
    pyatspi.ROLE_SLIDER, pyatspi.ROLE_PAGE_TAB, pyatspi.ROLE_LIST_ITEM,
}
COLUMN_HEADERS = {pyatspi.ROLE_COLUMN_HEADER, pyatspi.ROLE_TABLE_COLUMN_HEADER}
# A name that is a toolkit's class name or a role word says nothing.
GENERIC = re.compile(r"^(Gtk|Adw|Tw)[A-Za-z]*$|^(button|check box|toggle|entry|text|image|icon|item|row)$",
                     re.IGNORECASE)
MNEMONIC = re.compile(r"(^|\s)_\w")
# A sanitizer build (`build-aux/run test --sanitize`) runs the console 3 to 10 times slower
# and sets TW_TEST_TIMEOUT_SCALE: the waits allow that many times longer.
SCALE = max(1.0, float(os.environ.get("TW_TEST_TIMEOUT_SCALE", "1")))
TIMEOUT = SCALE * 30
# libatspi gives up on a call the application has not answered within 800 ms (15 s while
# it is new on the bus) with "Did not receive a reply": a sanitized console, loaded,
# has been seen slower than that to answer a menu item's click. There the calls' limit
# scales too; a normal build keeps libatspi's own.
if SCALE > 1:
    Atspi.set_timeout(int(800 * SCALE), int(15000 * SCALE))


def state(acc, which):
    try:
        return acc.getState().contains(which)
    except Exception:
        return False


def on_screen(acc):
    """Visible and given room. GTK 4.8 sets no SHOWING state, and a widget its parent
    hides (a collapsed revealer, a squeezer's other child) stays VISIBLE: the size of
    its allocation, and its ancestors', says whether anyone can meet it."""
    if not state(acc, pyatspi.STATE_VISIBLE):
        return False
    try:
        component = acc.queryComponent()
        # Window coordinates: GTK 4.8 has no screen coordinates (and warns for each ask).
        extents = component.getExtents(pyatspi.WINDOW_COORDS)
        if extents.width <= 0 or extents.height <= 0:
            return False
        # A child its parent keeps unmapped (a collapsed cross-fading revealer) keeps
        # its allocation; GTK's hit test does not count it.
        return component.contains(extents.x + extents.width // 2, extents.y + extents.height // 2,
                                  pyatspi.WINDOW_COORDS)
    except Exception:
        return True   # no component interface: the application, a window's content


def walk_shown(acc, shown=True, depth=0):
    """(accessible, on screen) for @acc and everything shown under it. Nothing under a
    node that is not on screen is asked for: nobody meets it there, and GTK 4.8 serves
    the children of a widget it never realized (a stack's other page) with no object
    path — a critical in the console, fatal in the tests."""
    if acc is None or depth > 80:
        return
    shown = shown and (depth == 0 or on_screen(acc))
    yield acc, shown
    if not shown:
        return
    try:
        n = acc.childCount
    except Exception:
        return
    for i in range(n):
        try:
            child = acc.getChildAtIndex(i)
        except Exception:
            continue
        yield from walk_shown(child, shown, depth + 1)


def walk(acc):
    for node, _ in walk_shown(acc):
        yield node


def showing(acc):
    """@acc and its ancestors up to its window on screen."""
    node = acc
    for _ in range(80):
        if node is None or role(node) in (pyatspi.ROLE_APPLICATION, pyatspi.ROLE_FRAME,
                                          pyatspi.ROLE_DIALOG, pyatspi.ROLE_WINDOW):
            return node is None or state(node, pyatspi.STATE_VISIBLE)
        if not on_screen(node):
            return False
        try:
            node = node.parent
        except Exception:
            return False
    return False


def role(acc):
    try:
        return acc.getRole()
    except Exception:
        return None


def name(acc):
    try:
        return acc.name or ""
    except Exception:
        return ""


def find(root, pred, only_showing=True):
    for acc, shown in walk_shown(root):
        if only_showing and acc is not root and not shown:
            continue
        try:
            if pred(acc):
                return acc
        except Exception:
            pass
    return None


def find_all(root, pred):
    found = []
    for acc, shown in walk_shown(root):
        try:
            if acc is not root and shown and pred(acc):
                found.append(acc)
        except Exception:
            pass
    return found


def wait(cond, what, timeout=None):
    """Waits for @cond () to return something true (polling the accessible tree,
    which lives in another process: there is no event to wait on here)."""
    end = time.monotonic() + (timeout or TIMEOUT)
    while True:
        try:
            value = cond()
        except Exception:
            value = None
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


def application(app_name):
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is not None and name(app) == app_name:
            return app
    return None


def windows(app):
    return [app.getChildAtIndex(i) for i in range(app.childCount)
            if app.getChildAtIndex(i) is not None]


def button(root, label):
    """The sensitive, focusable button named @label (a menu button's outer part is
    neither)."""
    return find(root, lambda a: role(a) == pyatspi.ROLE_PUSH_BUTTON and name(a) == label
                and state(a, pyatspi.STATE_SENSITIVE) and state(a, pyatspi.STATE_FOCUSABLE))


def do_action(acc, *names):
    action = acc.queryAction()
    for j in range(action.nActions):
        if action.getName(j) in names:
            action.doAction(j)
            return
    raise AssertionError("%s “%s” has none of the actions %s"
                         % (acc.getRoleName(), name(acc), ", ".join(names)))


def click(acc):
    do_action(acc, "click", "activate", "press")


TOPS = (pyatspi.ROLE_FRAME, pyatspi.ROLE_DIALOG, pyatspi.ROLE_WINDOW, pyatspi.ROLE_APPLICATION,
        pyatspi.ROLE_ALERT)


def attached(acc):
    """Whether @acc is still in a window's tree: its parents lead to a window (a widget a
    poll replaced while the tree was walked leads nowhere, or to an unnamed orphan)."""
    node = acc
    for _ in range(60):
        try:
            if role(node) in TOPS:
                return True
            node = node.parent
        except Exception:
            return False
        if node is None:
            return False
    return True


def ancestors(acc, levels=6):
    """@acc's ancestors, nearest first, at most @levels of them."""
    node = acc
    for _ in range(levels):
        try:
            node = node.parent
        except Exception:
            return
        if node is None:
            return
        yield node


def roles_above(acc):
    """The roles (and names) of @acc's ancestors, nearest first: where an icon is."""
    return " < ".join("%s%s" % (node.getRoleName(), " “%s”" % name(node) if name(node) else "")
                      for node in ancestors(acc))


def path_of(acc):
    return " < ".join(name(node) for node in ancestors(acc)
                      if name(node) and not GENERIC.match(name(node)))


def has_label_under(acc, depth=0):
    if depth > 4:
        return False
    for i in range(acc.childCount):
        child = acc.getChildAtIndex(i)
        if role(child) == pyatspi.ROLE_LABEL and name(child).strip() and on_screen(child):
            return True
        if has_label_under(child, depth + 1):
            return True
    return False


def has_text_beside(acc):
    """An icon with a text equivalent: a label with text in the same row or box, up to
    three levels up (a row's prefix icon beside its title and its state word), or a
    named button around it, up to six (libadwaita's view switcher puts a page tab's
    icon five levels below the tab)."""
    node = acc
    for level in range(6):
        try:
            node = node.parent
        except Exception:
            return False
        if node is None:
            return False
        # An icon inside a named button (a view switcher's page button): the button's
        # name is what a screen reader says, the icon is decoration.
        if role(node) in (pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON,
                          pyatspi.ROLE_RADIO_BUTTON, pyatspi.ROLE_PAGE_TAB) and name(node).strip():
            return True
        if level >= 3:
            continue
        if role(node) == pyatspi.ROLE_LIST_ITEM and name(node).strip():
            return True
        if has_label_under(node):
            return True
    return False


def problems(root):
    """Every showing control under @root without a name that says what it does, every
    unnamed column header, every status icon without a text equivalent."""
    found = []
    for acc, shown in walk_shown(root):
        if acc is not root and not shown:
            continue
        try:
            found.extend(problems_of(acc))
        except Exception:  # gone while walked (a log line scrolled away): not a problem
            pass
    return found


def problems_of(acc):
    """What @acc lacks, as problems() lists it."""
    found = []
    r = role(acc)
    n = name(acc).strip()
    operable = r in OPERABLE or (state(acc, pyatspi.STATE_FOCUSABLE) and r not in (
        pyatspi.ROLE_LABEL, pyatspi.ROLE_SCROLL_PANE, pyatspi.ROLE_LIST, pyatspi.ROLE_TABLE,
        pyatspi.ROLE_TREE_TABLE, pyatspi.ROLE_FILLER, pyatspi.ROLE_PANEL, pyatspi.ROLE_DOCUMENT_FRAME,
        pyatspi.ROLE_TABLE_ROW, pyatspi.ROLE_TABLE_CELL, pyatspi.ROLE_TEXT, pyatspi.ROLE_FRAME,
        pyatspi.ROLE_DIALOG, pyatspi.ROLE_WINDOW))
    what = "%s “%s” (in %s)" % (acc.getRoleName(), n, path_of(acc))
    if operable:
        if not n or GENERIC.match(n):
            found.append("no name: %s, below %s" % (what, roles_above(acc)))
        elif MNEMONIC.search(n):
            found.append("mnemonic underscore in the name: " + what)
        else:
            words = n.split()
            half = len(words) // 2
            if len(words) % 2 == 0 and half > 0 and words[:half] == words[half:]:
                found.append("name said twice: " + what)
    elif r in COLUMN_HEADERS and not n:
        found.append("unnamed column header: " + what)
    elif r == pyatspi.ROLE_IMAGE and (not n or GENERIC.match(n)) and not has_text_beside(acc):
        found.append("icon with no text equivalent: %s, below %s" % (what, roles_above(acc)))
    if found and not attached(acc):
        return []   # removed while walked (a row a poll replaced): no longer shown
    return found


def text_of(acc):
    """The text of an entry (GTK 4.8 answers "" for the end offset -1)."""
    text = acc.queryText()
    return text.getText(0, text.characterCount)


def focused(root):
    return find(root, lambda a: state(a, pyatspi.STATE_FOCUSED))


# XTest: key presses as a keyboard makes them.
class Keyboard:
    def __init__(self):
        self.x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        self.xtst = ctypes.CDLL(ctypes.util.find_library("Xtst") or "libXtst.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x11.XStringToKeysym.restype = ctypes.c_ulong
        self.x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
        self.x11.XKeysymToKeycode.restype = ctypes.c_ubyte
        self.x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self.xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
        self.display = self.x11.XOpenDisplay(None)
        if not self.display:
            raise RuntimeError("no X display for XTest")
        self.x11.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.x11.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                                        ctypes.POINTER(ctypes.c_ulong),
                                        ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                                        ctypes.POINTER(ctypes.c_uint)]
        self.x11.XInternAtom.restype = ctypes.c_ulong
        self.x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        self.x11.XGetWindowProperty.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long, ctypes.c_int,
            ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_int),
            ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte))]
        self.x11.XFree.argtypes = [ctypes.c_void_p]
        self.x11.XSetInputFocus.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_ulong]
        self.x11.XRaiseWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong]

    def focus_window(self, title, fallback_not=None):
        """What a window manager does when a window is clicked or alt-tabbed to: the
        session has none, so the keyboard's focus is given to the toplevel titled @title."""
        root = self.x11.XDefaultRootWindow(self.display)
        root_ret, parent_ret = ctypes.c_ulong(), ctypes.c_ulong()
        children = ctypes.POINTER(ctypes.c_ulong)()
        n = ctypes.c_uint()
        self.x11.XQueryTree(self.display, root, ctypes.byref(root_ret), ctypes.byref(parent_ret),
                            ctypes.byref(children), ctypes.byref(n))
        # A window without that title (GTK's shortcuts window is named after its class
        # for AT-SPI only): the topmost titled window that is not the console's.
        wanted = None
        for i in range(n.value):
            name_here = self._title(children[i])
            if name_here == title:
                wanted = children[i]
                break
            if name_here and fallback_not is not None and name_here != fallback_not:
                wanted = children[i]
        if wanted is not None:
            self.x11.XRaiseWindow(self.display, wanted)
            self.x11.XSetInputFocus(self.display, wanted, 1, 0)   # RevertToPointerRoot
            self.x11.XSync(self.display, 0)
            return
        raise AssertionError("no X window titled " + title)

    def _title(self, window):
        """_NET_WM_NAME, UTF-8 (the title "demo — Trade Warden" has no Latin-1 form)."""
        net_wm_name = self.x11.XInternAtom(self.display, b"_NET_WM_NAME", False)
        utf8 = self.x11.XInternAtom(self.display, b"UTF8_STRING", False)
        actual_type, actual_format = ctypes.c_ulong(), ctypes.c_int()
        n_items, after = ctypes.c_ulong(), ctypes.c_ulong()
        data = ctypes.POINTER(ctypes.c_ubyte)()
        if self.x11.XGetWindowProperty(self.display, window, net_wm_name, 0, 1024, False, utf8,
                                       ctypes.byref(actual_type), ctypes.byref(actual_format),
                                       ctypes.byref(n_items), ctypes.byref(after), ctypes.byref(data)) != 0:
            return None
        if not data:
            return None
        title = ctypes.string_at(data, n_items.value).decode(errors="replace")
        self.x11.XFree(data)
        return title

    def _code(self, keysym_name):
        keysym = self.x11.XStringToKeysym(keysym_name.encode())
        code = self.x11.XKeysymToKeycode(self.display, keysym)
        if keysym == 0 or code == 0:
            raise ValueError("no key for " + keysym_name)
        return code

    def press(self, combo):
        """"ctrl+shift+h", "Tab", "space", "Return", "shift+Tab"."""
        names = {"ctrl": "Control_L", "shift": "Shift_L", "alt": "Alt_L"}
        keys = [names.get(k, k) for k in combo.split("+")]
        codes = [self._code(k) for k in keys]
        for code in codes:
            self.xtst.XTestFakeKeyEvent(self.display, code, True, 0)
        for code in reversed(codes):
            self.xtst.XTestFakeKeyEvent(self.display, code, False, 0)
        self.x11.XSync(self.display, 0)

    def type(self, text):
        for ch in text:
            if ch == " ":
                self.press("space")
            elif ch.isupper():
                self.press("shift+" + ch.lower())
            elif ch.isalnum():
                self.press(ch)
            else:
                raise ValueError("cannot type %r" % ch)
