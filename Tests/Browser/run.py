#!/usr/bin/env python3
"""Runs the dashboard's browser tests in a real headless Chromium (Debian's chromium,
chromium-driver and python3-selenium; scripts/test installs them) against the `flotilla` binary
under test (FLOTILLA_BIN, else .build/debug/flotilla).

    Tests/Browser/run.py                   # every test; screenshots to a temporary directory
    Tests/Browser/run.py --screenshots     # ... and to docs/images/dashboard/ (docs/dashboard.md)
    Tests/Browser/run.py -k restart        # only tests whose id contains "restart"
"""

import argparse
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
MODULES = ["test_dashboard", "test_views", "test_restart", "test_demo", "test_shell", "test_workflows", "test_costs", "test_approvals", "test_notifications", "test_goals"]


def main():
    parser = argparse.ArgumentParser(description="The dashboard's browser tests.")
    parser.add_argument("--screenshots", action="store_true", help="save screenshots to docs/images/dashboard/")
    parser.add_argument("-k", dest="pattern", help="run only tests whose id contains this text")
    arguments = parser.parse_args()
    os.environ["BROWSER_SCREENSHOTS"] = (os.path.join(ROOT, "docs", "images", "dashboard") if arguments.screenshots
                                         else tempfile.mkdtemp(prefix="flotilla-screenshots-"))
    sys.path.insert(0, HERE)
    binary = os.environ.get("FLOTILLA_BIN") or os.path.join(ROOT, ".build", "debug", "flotilla")
    if not os.access(binary, os.X_OK):
        print(f"error: no flotilla binary at {binary}: run `swift build` first (or set FLOTILLA_BIN)", file=sys.stderr)
        return 2

    suite = unittest.TestSuite()
    for module in MODULES:
        loaded = unittest.defaultTestLoader.loadTestsFromName(module)
        suite.addTests(_matching(loaded, arguments.pattern))
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    print(f"screenshots: {os.environ['BROWSER_SCREENSHOTS']}")
    print(f"{result.testsRun - failed - len(result.skipped)} passed, {failed} failed, {len(result.skipped)} skipped")
    return 0 if failed == 0 and result.testsRun > 0 else 1


def _matching(suite, pattern):
    """The tests of `suite` whose id contains `pattern` (all without one), keeping class suites
    whole so setUpClass still runs once."""
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            inner = unittest.TestSuite(_matching(test, pattern))
            if inner.countTestCases():
                yield inner
        elif pattern is None or pattern in test.id():
            yield test


if __name__ == "__main__":
    sys.exit(main())
