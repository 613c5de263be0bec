#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The console as a screen-reader user meets it, through AT-SPI and the keyboard only
(no pointer), against the demo's simulator:

  - every page of the sidebar, the main menu's windows, the halt result and the resume
    guard: each control a person operates has a name that says what it does (not
    "button", no mnemonic underscore, not said twice), every column header is named,
    every status icon has a text equivalent;
  - an incident from the keyboard alone (XTest key presses): halt all, the Breakers
    page, the resume guard filled and confirmed — trading is read back ACTIVE;
  - the same through AT-SPI alone: actions (the check boxes' "check.toggle", which
    the console adds: GTK 4.8 gives them none), the text interface and AT-SPI's own
    key synthesis for the reason;
  - the dialogs and wizard steps reachable without changing anything, every control
    named, then cancelled; the About window;
  - the keyboard focus is in the window after the guard closes, and stays on the
    Resume button of a breaker row while the services keep being polled.

Runs inside tests/session.sh (Xvfb, private D-Bus); the console runs with its
accessibility bridge on. TAP on stdout."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import pyatspi
    from gi.repository import Atspi
    import tw_atspi as at
except ImportError as error:  # outside `build-aux/run deps`
    print("1..0 # SKIP pyatspi is not installed (%s)" % error)
    sys.exit(0)

BINARY = os.environ.get("TW_BINARY")
APP_NAME = "tradewarden"
REASON = "drill of the keyboard path"
REASON_ATSPI = "drill of the AT-SPI path"
RESTORE_REASON = "restore-drill-through-AT-SPI"   # no space: nothing to press if misplaced


class Console:
    """The console on the demo, started with its accessibility bridge on."""

    def __init__(self):
        env = dict(os.environ)
        env.pop("NO_AT_BRIDGE", None)
        env.pop("GTK_A11Y", None)
        # Not fatal-criticals: a critical is read from the console's output at the end
        # (own_criticals), after the console's own log is printed, and fails the test.
        env["G_DEBUG"] = "gc-friendly"
        # A demo of its own: the simulator's state lives in the session's folders.
        # The console is started again (twice at most) when it could not open the X
        # display: in the first second of a headless session, Xvfb has been seen
        # refusing a connection that carried no X authority (its audit log), in about
        # half of the runs of this test alone, never later and never in the test's own
        # process; not the console's doing (it never reaches its own code).
        for attempt in range(3):
            self.log = tempfile.NamedTemporaryFile(prefix="tw-a11y-", suffix=".log", delete=False)
            self.process = subprocess.Popen([BINARY, "--demo"], env=env, stdout=self.log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
            try:
                # The first GTK start of a fresh machine, beside another test, has been seen
                # taking most of the 30 s: it gets three times that.
                # …unless it exited: that is said at once, not after the whole wait.
                self.app = at.wait(lambda: self.process.poll() is not None or at.application(APP_NAME),
                                   "the console on the accessibility bus", timeout=3 * at.TIMEOUT)
                if self.app is not True:
                    break
                if attempt < 2 and "cannot open display" in self.log_text():
                    notes.append("console started again: it could not open the display")
                    continue
                raise AssertionError("the console exited with %d before it was on the "
                                     "accessibility bus" % self.process.returncode)
            except AssertionError:
                self.print_log("# ")
                self.stop()
                raise
        self.frame = at.wait(lambda: at.find(self.app, lambda a: at.role(a) == pyatspi.ROLE_FRAME),
                             "the console's window")
        # Polled: every service row says when it was updated.
        at.wait(lambda: at.find(self.frame, lambda a: at.name(a) == "updated just now"),
                "the first poll answers")
        self.pages = at.wait(lambda: at.find(self.frame, lambda a: at.role(a) == pyatspi.ROLE_LIST
                                             and at.name(a) == "Pages"), "the sidebar")

    def own_criticals(self):
        """Every critical the console logged."""
        with open(self.log.name, errors="replace") as log:
            return [l for l in log.read().splitlines() if "-CRITICAL **" in l]

    def log_text(self):
        with open(self.log.name, errors="replace") as log:
            return log.read()

    def print_log(self, prefix):
        """The console's last lines of output, after a failure."""
        status = self.process.poll()
        print("%sconsole: %s" % (prefix, "running" if status is None else "exited with %d" % status))
        with open(self.log.name, errors="replace") as log:
            for line in log.read().splitlines()[-40:]:
                print("%sconsole: %s" % (prefix, line))
        sys.stdout.flush()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def page_names(self):
        names = []
        for i in range(self.pages.childCount):
            names.append(at.name(self.pages.getChildAtIndex(i)).split(":")[0])
        return names

    def show_page(self, title):
        """With the page's shortcut, Ctrl+N, as the sidebar's tooltips and the shortcuts
        window say (a row's selection does not switch pages: Tab through the sidebar
        would, and activating a row is Enter)."""
        index = self.page_names().index(title)
        keyboard = at.Keyboard()
        keyboard.focus_window(at.name(self.frame))
        if index < 9:
            keyboard.press("ctrl+%d" % (index + 1))
        else:
            # No shortcut past the ninth page: Tab to the sidebar, arrows to its row, Enter.
            self.keyboard_to(keyboard, lambda a: at.role(a) == pyatspi.ROLE_LIST_ITEM
                             and a.parent == self.pages, "the sidebar")
            self.keyboard_to(keyboard, lambda a: at.name(a).split(":")[0] == title,
                             "the sidebar row of " + title, key="Down")
            keyboard.press("Return")
        return at.wait(lambda: at.find(self.frame, lambda a: at.role(a) == pyatspi.ROLE_PANEL
                                       and at.name(a) == title), "the page " + title)

    def keyboard_to(self, keyboard, pred, what, key="Tab", root=None):
        """Presses @key until the focused control matches @pred."""
        for _ in range(80):
            now = at.focused(root or self.frame)
            if now is not None and pred(now):
                return now
            keyboard.press(key)
            time.sleep(0.03)
        raise AssertionError("%s never reached %s" % (key, what))

    def other_windows(self):
        return [w for w in at.windows(self.app) if w is not None and at.showing(w)
                and at.name(w) != at.name(self.frame)]

    def dialog(self, title):
        return at.wait(lambda: next((w for w in self.other_windows() if at.name(w) == title), None),
                       "the window " + title)

    def trading_states(self):
        """The Breakers page's trading-state words per service, as shown."""
        return [at.name(a) for a in at.find_all(self.frame, lambda a: at.role(a) == pyatspi.ROLE_LABEL
                                                and at.name(a) in ("ACTIVE", "HALTED", "REDUCING"))]


results = []
notes = []   # what the walk met, printed as TAP comments


def check(title, func):
    start = time.monotonic()
    try:
        func()
        notes.append("%.1f s: %s" % (time.monotonic() - start, title))
        results.append((True, title, None))
    except Exception:  # a failed assertion or a vanished accessible
        results.append((False, title, traceback.format_exc()))


def assert_named(where, root):
    found = at.problems(root)
    assert not found, "%s:\n  %s" % (where, "\n  ".join(found))


def test_pages(console):
    names = console.page_names()
    assert "Overview" in names and "Breakers" in names, names
    for title in names:
        page = console.show_page(title)
        # What the page shows once its first answers are in.
        at.wait(lambda: at.find(page, lambda a: at.role(a) != pyatspi.ROLE_PANEL), "content on " + title)
        assert_named("page " + title, console.frame)
    console.show_page("Overview")


def open_menu_item(console, label):
    at.click(at.wait(lambda: at.button(console.frame, "Main Menu"), "the main menu button"))
    item = at.wait(lambda: next((m for w in at.windows(console.app)
                                 for m in [at.find(w, lambda a: at.role(a) == pyatspi.ROLE_MENU_ITEM
                                                   and at.name(a) == label)] if m), None),
                   "the menu item " + label)
    at.click(item)


def test_menu_windows(console):
    keyboard = at.Keyboard()
    # The About window's version button names nothing itself: the console names it.
    for label in ("Preferences", "Keyboard Shortcuts", "About Trade Warden", "New Profile…"):
        before = console.other_windows()
        keyboard.focus_window(at.name(console.frame))
        open_menu_item(console, label)
        window = at.wait(lambda: next((w for w in console.other_windows() if w not in before), None),
                         "the window of " + label)
        title = at.name(window)
        assert_named("window " + title, window)
        if label == "New Profile…":   # the profile editor: its Cancel (it may hold edits)
            close_window(console, window, "Cancel")
            continue
        keyboard.focus_window(title, fallback_not=at.name(console.frame))
        keyboard.press("Escape")
        at.wait(lambda: window not in console.other_windows(),
                "the window %s to close on Escape" % title)


def resume_buttons(console):
    return at.find_all(console.frame, lambda a: at.role(a) == pyatspi.ROLE_PUSH_BUTTON
                       and at.name(a) == "Resume…" and at.state(a, pyatspi.STATE_SENSITIVE))


def test_keyboard_incident(console):
    keyboard = at.Keyboard()
    keyboard.focus_window(at.name(console.frame))
    at.wait(lambda: at.state(console.frame, pyatspi.STATE_ACTIVE), "the window to be active")
    keyboard.press("ctrl+shift+h")          # Halt All, from anywhere
    at.wait(lambda: at.find(console.frame, lambda a: at.name(a).startswith("Halted ")), "the halt's result")
    at.wait(lambda: at.button(console.frame, "Details"), "the result's Details button")
    assert_named("the halt's result", console.frame)
    console.show_page("Breakers")
    at.wait(lambda: resume_buttons(console), "a Resume… button")
    # Tab to the first Resume… button, reading where the focus is (never pointing).
    for _ in range(60):
        now = at.focused(console.frame)
        if now is not None and at.name(now) == "Resume…":
            break
        keyboard.press("Tab")
        time.sleep(0.03)
    else:
        raise AssertionError("Tab never reached a Resume… button")
    # The focus stays on it while polls refresh the row.
    poll_label = at.name(at.find(console.frame, lambda a: at.name(a).startswith("updated ")))
    keyboard.press("ctrl+r")
    at.wait(lambda: at.focused(console.frame) is not None, "the focus after a refresh")
    assert at.name(at.focused(console.frame)) == "Resume…", \
        "focus moved to %s after a refresh (was on Resume…; %s)" % (at.name(at.focused(console.frame)), poll_label)
    keyboard.press("space")
    dialog = console.dialog("Resume trading")
    # The session has no window manager to give the new dialog the keyboard: do its part.
    keyboard.focus_window("Resume trading")
    assert_named("the resume guard", dialog)
    entry = at.wait(lambda: at.find(dialog, lambda a: at.role(a) == pyatspi.ROLE_TEXT), "the reason entry")
    # GTK 4.8 reports no focused state for the entry's text: Tab until no control says
    # it has the focus (the text has it), type, and read the text back.
    for _ in range(12):
        now = at.focused(dialog)
        if now is None or now == entry:
            keyboard.type(REASON)
            try:
                at.wait(lambda: REASON in at.text_of(entry), "the typed reason", timeout=5)
                break
            except AssertionError:
                pass
        keyboard.press("Tab")
        time.sleep(0.03)
    else:
        raise AssertionError("Tab never reached the reason entry")
    # Tick each manual checklist item: Tab until the focus is on an unticked check box.
    for _ in range(40):
        boxes = [b for b in at.find_all(dialog, lambda a: at.role(a) == pyatspi.ROLE_CHECK_BOX)
                 if at.state(b, pyatspi.STATE_SENSITIVE) and not at.state(b, pyatspi.STATE_CHECKED)]
        if not boxes:
            break
        now = at.focused(dialog)
        if now is not None and at.role(now) == pyatspi.ROLE_CHECK_BOX and now in boxes:
            keyboard.press("space")
            at.wait(lambda: at.state(now, pyatspi.STATE_CHECKED), "the check box to be ticked")
            continue
        keyboard.press("Tab")
        time.sleep(0.03)
    else:
        raise AssertionError("could not tick the checklist from the keyboard")
    confirm = at.wait(lambda: at.button(dialog, "Resume trading"), "the confirm button to be sensitive")
    for _ in range(20):
        if at.state(confirm, pyatspi.STATE_FOCUSED):
            break
        keyboard.press("Tab")
        time.sleep(0.03)
    assert at.state(confirm, pyatspi.STATE_FOCUSED), "Tab never reached Resume trading"
    keyboard.press("Return")
    at.wait(lambda: not at.showing(dialog) or dialog not in console.other_windows(), "the guard to close")
    # Read back: one service trades again; the focus is in the window, not lost.
    at.wait(lambda: "ACTIVE" in console.trading_states(), "a service read back ACTIVE")
    # Back in the window (the window manager's part), the keyboard focus is on a control.
    keyboard.focus_window(at.name(console.frame))
    at.wait(lambda: at.focused(console.frame), "the focus back in the window after the guard")


def test_atspi_incident(console):
    """AT-SPI's actions (buttons, and the check boxes' "check.toggle"), AT-SPI's own key
    synthesis for the reason: GTK 4.8 implements neither editable text nor grabbing the
    focus, and the guard opens with the focus in its reason entry."""
    at.Keyboard().focus_window(at.name(console.frame))
    at.click(at.wait(lambda: at.button(console.frame, "Halt All"), "Halt All"))
    console.show_page("Breakers")
    at.wait(lambda: console.trading_states().count("ACTIVE") == 0, "every service halted")
    at.click(at.wait(lambda: resume_buttons(console)[0] if resume_buttons(console) else None, "Resume…"))
    confirm_guard_atspi(console, "Resume trading", REASON_ATSPI)
    at.wait(lambda: "ACTIVE" in console.trading_states(), "a service read back ACTIVE")


def confirm_guard_atspi(console, title, reason, checklist=True):
    """Fills the guard titled @title through AT-SPI alone and confirms it with its button
    of the same name: @reason typed by AT-SPI's key synthesis (the guard opens with the
    focus in its reason entry), each manual checklist item ticked by its action (there
    must be one when @checklist)."""
    def key(name):
        Atspi.generate_keyboard_event(0, name, Atspi.KeySynthType.SYM)

    dialog = console.dialog(title)
    at.Keyboard().focus_window(title)
    entry = at.wait(lambda: at.find(dialog, lambda a: at.role(a) == pyatspi.ROLE_TEXT), "the reason entry")
    for _ in range(12):
        now = at.focused(dialog)
        if now is None or now == entry:
            Atspi.generate_keyboard_event(0, reason, Atspi.KeySynthType.STRING)
            try:
                at.wait(lambda: reason in at.text_of(entry), "the reason", timeout=5)
                break
            except AssertionError:
                pass
        key("Tab")
        time.sleep(0.05)
    else:
        raise AssertionError("AT-SPI's Tab never reached the reason entry of " + title)
    # Each manual checklist item ticked through its AT-SPI action (the console gives
    # every check button one, "check.toggle": GTK 4.8 gives them none).
    boxes = [b for b in at.find_all(dialog, lambda a: at.role(a) == pyatspi.ROLE_CHECK_BOX)
             if at.state(b, pyatspi.STATE_SENSITIVE) and not at.state(b, pyatspi.STATE_CHECKED)]
    assert boxes or not checklist, "no manual checklist item to tick in " + title
    for box in boxes:
        at.do_action(box, "check.toggle")
        at.wait(lambda: at.state(box, pyatspi.STATE_CHECKED), "“%s” ticked through AT-SPI" % at.name(box))
    at.click(at.wait(lambda: at.button(dialog, title), "the confirm button to be sensitive"))
    at.wait(lambda: not at.showing(dialog) or dialog not in console.other_windows(), "the guard to close")


def new_window(console, before, what):
    return at.wait(lambda: next((w for w in console.other_windows() if w not in before), None),
                   "the window of " + what)


def close_window(console, window, button=None):
    """With its Cancel-like button (AT-SPI's click), else Escape."""
    title = at.name(window)
    if button is not None:
        at.click(at.wait(lambda: at.button(window, button), "%s's %s button" % (title, button)))
    else:
        keyboard = at.Keyboard()
        keyboard.focus_window(title, fallback_not=at.name(console.frame))
        keyboard.press("Escape")
        try:
            at.wait(lambda: window not in console.other_windows(), "Escape to close " + title, timeout=5)
        except AssertionError:   # a window that Escape does not close: its Cancel
            at.click(at.wait(lambda: at.button(window, "Cancel"), "%s's Cancel button" % title))
    at.wait(lambda: window not in console.other_windows(), "the window %s to close" % title)


def open_from_page(console, page_title, button_name, what):
    """Clicks the first sensitive @button_name of the page (AT-SPI's click): the window
    it opens."""
    page = console.show_page(page_title)
    if button_name.endswith(" "):   # a prefix: "Close position " AAPL…
        button = at.wait(lambda: at.find(page, lambda a: at.role(a) == pyatspi.ROLE_PUSH_BUTTON
                                         and at.name(a).startswith(button_name)
                                         and at.state(a, pyatspi.STATE_SENSITIVE)),
                         "%s… on the %s page" % (button_name, page_title))
    else:
        button = at.wait(lambda: at.button(page, button_name), "%s on the %s page" % (button_name, page_title))
    before = console.other_windows()
    at.click(button)
    return new_window(console, before, what)


def type_into(entry, text):
    """Types @text with AT-SPI's key synthesis where the keyboard focus is, which must be
    @entry (GTK 4.8 implements no editable text and no grabbing of the focus, and does not
    always report an entry's focused state)."""
    Atspi.generate_keyboard_event(0, text, Atspi.KeySynthType.STRING)
    at.wait(lambda: text in at.text_of(entry), "“%s” typed into %s" % (text, at.name(entry)))


def walk_restore_wizard(console, wizard):
    """Every step of the restore wizard through AT-SPI, each named: the first database and
    backup chosen, trading halted from the wizard's own Halt All, the file name and a
    reason typed, the restore run on the demo's throw-away database, its result shown."""
    steps = []
    at.Keyboard().focus_window(at.name(wizard))
    for _ in range(8):
        # The next step's header; after Restore, the progress step may be over before it
        # is seen: then the result's.
        wanted = ["Step %d of " % (len(steps) + 1)]
        if len(steps) == 4:
            wanted.append("Step 6 of ")
        step = at.wait(lambda: at.find(wizard, lambda a: at.role(a) == pyatspi.ROLE_LABEL
                                       and any(at.name(a).startswith(w) for w in wanted)),
                       "the wizard's " + " or ".join(wanted))
        steps.append(at.name(step))
        if steps[-1].startswith("Step 5 of"):   # restoring: named once it is done
            continue
        assert_named("the restore wizard, " + steps[-1], wizard)
        if steps[-1].startswith("Step 6 of"):
            break
        following = at.button(wizard, "Next") or at.button(wizard, "Restore")
        if following is None and steps[-1].startswith("Step 3 of"):
            # Safety: trading halted from the wizard, as an operator would.
            halt = at.button(wizard, "Halt All")
            if halt is not None:
                at.click(halt)
            following = at.wait(lambda: at.button(wizard, "Next"), "Next once every service is halted")
        elif following is None and steps[-1].startswith("Step 4 of"):
            # Confirm: the keyboard starts in the file name's entry (the step puts it there);
            # the name as its row asks, then Enter: on to the reason (no LIVE profile here).
            name_entry = at.wait(lambda: at.find(wizard, lambda a: at.role(a) == pyatspi.ROLE_TEXT
                                                 and at.name(a).startswith("Type the database")),
                                 "the file name entry")
            type_into(name_entry, at.name(name_entry).rsplit(": ", 1)[-1])
            reason_entry = at.wait(lambda: at.find(wizard, lambda a: at.role(a) == pyatspi.ROLE_TEXT
                                                   and at.name(a).startswith("Reason")), "the reason entry")
            at.Keyboard().press("Return")
            try:
                type_into(reason_entry, RESTORE_REASON)
            except AssertionError:
                raise AssertionError("the reason not typed: name entry “%s”, reason entry “%s”, focus on %s"
                                     % (at.text_of(name_entry), at.text_of(reason_entry),
                                        at.path_of(at.focused(wizard)) if at.focused(wizard) else None))
            following = at.wait(lambda: at.button(wizard, "Restore"), "Restore once the form is complete")
        elif following is None:
            # A step waiting for a choice (which database, which backup): the first.
            choices = [b for b in at.find_all(wizard, lambda a: at.role(a) in (pyatspi.ROLE_CHECK_BOX,
                                                                              pyatspi.ROLE_RADIO_BUTTON))
                       if at.state(b, pyatspi.STATE_SENSITIVE) and not at.state(b, pyatspi.STATE_CHECKED)]
            assert choices, "%s: no Next and nothing to choose" % steps[-1]
            at.do_action(choices[0], "check.toggle")
            following = at.wait(lambda: at.button(wizard, "Next"), "Next after a choice")
        at.click(following)
    # The result: named, with the wizard's Close.
    at.wait(lambda: at.button(wizard, "Close"), "the result's Close button")
    assert_named("the restore wizard's result", wizard)
    return steps



KEY_HEADINGS = ("Prepare a new key", "Give the server the new key", "Prove the new key works",
                "Use the new key", "Grace period", "Prove the old key is refused", "Rotation complete")


def walk_key_rotation(console):
    """A key rotation's steps through AT-SPI, each named: the new key stored (its guard
    filled and confirmed), the server's step said done, the new key proven; then the
    rotation cancelled, which puts the demo's key back as it was."""
    window = open_from_page(console, "Keys", "Rotate…", "Rotate…")

    def heading():
        return at.find(window, lambda a: at.role(a) == pyatspi.ROLE_LABEL and at.name(a) in KEY_HEADINGS)

    def at_step(name):
        return at.wait(lambda: heading() is not None and at.name(heading()) == name, "the step " + name)

    walked = []
    at_step("Prepare a new key")
    walked.append("Prepare a new key")
    assert_named("the rotation's first step", window)
    at.click(at.wait(lambda: at.button(window, "Store New Key"), "Store New Key"))
    confirm_guard_atspi(console, "Rotate a key", REASON_ATSPI, checklist=False)
    at_step("Give the server the new key")
    walked.append("Give the server the new key")
    assert_named("the rotation's server step", window)
    done = at.wait(lambda: at.button(window, "I Made the Change") or at.button(window, "Edit .env and Restart"),
                   "the server step's button")
    at.click(done)
    at_step("Prove the new key works")
    walked.append("Prove the new key works")
    assert_named("the rotation's proving step", window)
    def labels():
        return set(at.name(a) for a in at.find_all(window, lambda a: at.role(a) == pyatspi.ROLE_LABEL))

    before = labels()
    at.click(at.wait(lambda: at.button(window, "Prove New Key"), "Prove New Key"))
    # The simulator's answer decides: the next step, or why not, said in the window once
    # the proof is over (its button sensitive again).
    at.wait(lambda: at.name(heading()) != "Prove the new key works"
            or (at.button(window, "Prove New Key") is not None and labels() - before),
            "the proof's result")
    walked.append(at.name(heading()) if at.name(heading()) != "Prove the new key works"
                  else "proof refused: " + " / ".join(sorted(labels() - before)))
    assert_named("the rotation after the proof", window)
    at.click(at.wait(lambda: at.button(window, "Cancel Rotation"), "Cancel Rotation"))
    at_step("Prepare a new key")
    close_window(console, window)
    return walked


def test_dialogs(console):
    """Every dialog and wizard step, each control named: the restore wizard walked to its
    result (walk_restore_wizard), then cancelled or closed:
    the key rotation and revoke dialogs' first step, a flatten's guard and a position's
    close dialog."""
    at.Keyboard().focus_window(at.name(console.frame))
    wizard = open_from_page(console, "Backups", "Restore…", "Restore…")
    steps = walk_restore_wizard(console, wizard)
    notes.append("restore wizard steps walked: " + " → ".join(steps))
    assert steps[-1].startswith("Step 6 of 6") and len(steps) >= 5, \
        "the wizard stopped before its result: %s" % steps
    close_window(console, wizard, "Close")

    notes.append("key rotation steps walked: " + " → ".join(walk_key_rotation(console)))
    window = open_from_page(console, "Keys", "Revoke…", "Revoke…")
    assert_named("the Revoke… dialog", window)
    close_window(console, window)

    window = open_from_page(console, "Breakers", "Edit…", "a service's risk parameters")
    assert_named("the risk parameters dialog", window)
    close_window(console, window)

    window = open_from_page(console, "Positions", "Flatten…", "Flatten…")
    assert_named("the flatten guard", window)
    close_window(console, window)

    window = open_from_page(console, "Positions", "Close position ", "a position's Close…")
    assert_named("the close position dialog", window)
    close_window(console, window)
    console.show_page("Overview")


def main():
    if not BINARY or "DISPLAY" not in os.environ:
        print("1..0 # SKIP needs the headless session and TW_BINARY (build-aux/run test)")
        return 0
    console = Console()
    try:
        check("every page's controls are named", lambda: test_pages(console))
        check("an incident from the keyboard alone", lambda: test_keyboard_incident(console))
        check("an incident through AT-SPI alone", lambda: test_atspi_incident(console))
        check("every dialog and wizard step is named, and cancelled", lambda: test_dialogs(console))
        check("the main menu's windows are named and close on Escape", lambda: test_menu_windows(console))
    finally:
        console.stop()

    def no_criticals():
        own = console.own_criticals()
        assert not own, "the console logged:\n" + "\n".join(own[:20])
    check("the console logged no critical of its own", no_criticals)
    print("1..%d" % len(results))
    for note in notes:
        print("# " + note)
    for i, (ok, title, detail) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, title))
        if detail:
            for line in detail.splitlines():
                print("# " + line)
    if not all(ok for ok, _, _ in results):
        console.print_log("# ")
    os.unlink(console.log.name)
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
