"""`flotilla demo` from a fresh start: within 30 s its printed sign-in link shows agents working
in the browser; on SIGTERM it stops and deletes its directory."""

import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from base import SCREENSHOTS
from browser import Page, start_browser
from fleet import BINARY, clean_environment


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DemoTests(unittest.TestCase):
    def test_the_demo_link_shows_agents_working_within_30_seconds(self):
        started = time.monotonic()
        port = free_port()
        output = tempfile.NamedTemporaryFile(prefix="flotilla-demo-", suffix=".out", delete=False)
        demo = subprocess.Popen([BINARY, "demo", "--port", str(port), "--seconds", "60"],
                                stdout=output, stderr=subprocess.STDOUT, env=clean_environment())
        driver = start_browser()
        try:
            page = Page(driver, f"http://127.0.0.1:{port}")
            printed = lambda: open(output.name).read()
            banner = page.wait_for("the demo's banner", lambda d: re.search(r"\n  data +(\S+)", printed()), timeout=30)
            root = banner.group(1)
            link = re.search(r"(http://127\.0\.0\.1:\d+/auth/link\?code=\S+)", printed())
            self.assertIsNotNone(link, printed())
            driver.get(link.group(1))
            page.wait_for("signed in", lambda d: "/signin" not in d.current_url and page.session() is not None)
            page.go("#/agents")
            page.wait_view("agents")
            remaining = max(1, 30 - (time.monotonic() - started))
            page.wait_for("3 agents, one of them working",
                          lambda d: len(page.css("[data-agent-id]")) >= 3 and any("working" in row.text for row in page.css("[data-agent-id]")),
                          timeout=remaining)
            page.screenshot(SCREENSHOTS, "demo-agents")
            page.go("#/tasks")
            page.wait_view("tasks")
            page.wait_css("[data-task-id]", timeout=5)
            self.assertEqual([entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"], [])

            demo.send_signal(signal.SIGTERM)
            self.assertEqual(demo.wait(timeout=30), 0, printed())
            self.assertFalse(os.path.exists(root), f"{root} is left")
        finally:
            driver.quit()
            if demo.poll() is None:
                demo.kill()
                demo.wait()
            os.unlink(output.name)
