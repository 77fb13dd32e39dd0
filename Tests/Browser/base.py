"""The test case every browser suite derives from: one fleet (hub + agents) and one Chromium per
class, and after each test a check that the page logged no console error."""

import os
import unittest

from browser import Page, start_browser
from fleet import Fleet

# Set by run.py: where screenshots go (docs/images/dashboard with --screenshots, else a temp dir).
SCREENSHOTS = os.environ.get("BROWSER_SCREENSHOTS")


class BrowserTestCase(unittest.TestCase):
    fleet_agents = None  # None: Fleet's default agents
    hub_args = None  # a function of the fleet's directory → more `flotilla hub` options

    @classmethod
    def setUpClass(cls):
        options = {} if cls.hub_args is None else {"hub_args": cls.hub_args}
        cls.fleet = Fleet(**options) if cls.fleet_agents is None else Fleet(cls.fleet_agents, **options)
        try:
            cls.driver = start_browser()
        except Exception:
            cls.fleet.close()
            raise
        cls.page = Page(cls.driver, cls.fleet.base_url)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.fleet.close()

    def setUp(self):
        # Console entries the test expects (regular expressions), e.g. a refused POST it sends.
        self.allowed_console = []
        self.page.emulate(width=None, dark=False)

    def tearDown(self):
        errors = self.page.console_errors(self.allowed_console)
        self.assertEqual(errors, [], "the page logged console errors")

    def shot(self, name):
        self.page.screenshot(SCREENSHOTS, name)
