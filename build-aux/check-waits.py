#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that the tests wait for conditions, never for a time, and assert what can fail.

In tests/*.c and tests/*.h (and tests/bench):
- tw_test_run_for () is gone: spin the main context until a condition holds
  (tw_test_wait_until (), tw_test_wait_for ()); to show that something does NOT
  happen, wait for a later event that proves the quiet period passed;
- g_usleep () / usleep () / sleep () only as the step of a polling loop: inside a
  while loop, or a for loop whose condition is more than a count (it has &&), so
  the loop's own condition is what is waited for. A delay that is not a wait (a
  child process killed at a chosen point, a pause a hook is asked for) says so on
  its line or the line before with a comment holding "fixed-delay:";
- g_assert_cmpuint (x, >=, 0) cannot fail (unsigned): assert what can.

Before checking the tree it checks itself on small made-up sources, so a rule
that stopped firing fails the test too.
Usage: check-waits.py [SRCROOT]"""

import os
import re
import sys

RUN_FOR = re.compile(r'\btw_test_run_for\s*\(')
SLEEP = re.compile(r'\b(?:g_usleep|usleep|sleep|nanosleep)\s*\(')
UNSIGNED_GE_0 = re.compile(r'\bg_assert_cmpuint\s*\(.*,\s*>=\s*,\s*0\s*\)')
MARK = 'fixed-delay:'


def indent_of(line):
    return len(line) - len(line.lstrip(' '))


def in_polling_loop(lines, k):
    """Whether line k sits in a while loop, or a for loop with a condition beyond
    its count, looking outwards through the enclosing statements."""
    level = indent_of(lines[k])
    for j in range(k - 1, -1, -1):
        text = lines[j].strip()
        if not text or text.startswith(('/*', '*', '//', '#')):
            continue
        ind = indent_of(lines[j])
        if ind >= level:
            continue
        level = ind
        if text.startswith('while ') or text.startswith('while('):
            return True
        if text.startswith('for ') or text.startswith('for('):
            # the header may go on over the next lines
            header = text
            n = j + 1
            while header.count('(') > header.count(')') and n < len(lines):
                header += ' ' + lines[n].strip()
                n += 1
            if '&&' in header:
                return True
        if ind == 0:
            return False
    return False


def check_source(name, text):
    problems = []
    lines = text.split('\n')
    for k, line in enumerate(lines):
        code = line.split('//')[0]
        if RUN_FOR.search(code) and not code.lstrip().startswith(('*', '/*')):
            problems.append(f'{name}:{k + 1}: tw_test_run_for () waits for a time: '
                            'wait for a condition (tw_test_wait_until ())')
        if SLEEP.search(code) and not code.lstrip().startswith(('*', '/*')):
            marked = MARK in line or (k > 0 and MARK in lines[k - 1])
            if not marked and not in_polling_loop(lines, k):
                problems.append(f'{name}:{k + 1}: a sleep outside a polling loop: wait for a '
                                f'condition, or say why it is not a wait ("{MARK} why")')
        if UNSIGNED_GE_0.search(code):
            problems.append(f'{name}:{k + 1}: an unsigned value is always >= 0: '
                            'assert something that can fail')
    return problems


SELF_TESTS = [
    # (source, number of problems)
    ('  tw_test_run_for (300);\n  g_assert_true (x);\n', 1),
    ('  tw_test_wait_until (x, 300);\n', 0),
    ('  g_usleep (1000);\n  g_assert_true (x);\n', 1),
    ('  while (!done ())\n    g_usleep (1000);\n', 0),
    ('  while (weak != NULL && now () < end)\n    if (!iterate ())\n      g_usleep (1000);\n', 0),
    ('  while (!done ())\n    {\n      poll ();\n      g_usleep (1000);\n    }\n', 0),
    ('  for (int i = 0; i < 4; i++)\n    {\n      g_usleep (50);\n      g_assert_true (x);\n    }\n', 1),
    ('  for (int i = 0; i < 500 &&\n                  busy (); i++)\n    g_usleep (1000);\n', 0),
    ('  g_usleep (delay);   /* fixed-delay: the child is killed here */\n', 0),
    ('  /* fixed-delay: the parent kills us here */\n  g_usleep (30 * 1000);\n', 0),
    ('  g_assert_cmpuint (n, >=, 0);\n', 1),
    ('  g_assert_cmpuint (n, >=, 1);\n', 0),
    ('  g_assert_cmpint (n, >=, 0);\n', 0),
]


def self_test():
    failures = []
    for source, expected in SELF_TESTS:
        found = check_source('self-test', source)
        if len(found) != expected:
            failures.append(f'self-test: expected {expected} problem(s), found {len(found)} in:\n{source}')
    return failures


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
    problems = self_test()
    tests_dir = os.path.join(root, 'tests')
    for dirpath, _, files in os.walk(tests_dir):
        for f in sorted(files):
            if not f.endswith(('.c', '.h')):
                continue
            path = os.path.join(dirpath, f)
            with open(path, encoding='utf-8') as fh:
                problems += check_source(os.path.relpath(path, root), fh.read())
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f'{len(problems)} problem(s)', file=sys.stderr)
        return 1
    print('the tests wait for conditions')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
