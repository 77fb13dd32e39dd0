"""The dashboard's Notifications view (#/notifications, docs/notifications.md): a real hub started
with `--notifications FILE` whose webhook targets point at a receiver in this test (a plain local
HTTP server: /ok fails its first request with 500, /down answers 503 every time), and a real
shell task that fails twice and dies. The view lists the deliveries with their status, attempts
and last error, and filters them by status."""

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from selenium.webdriver.support.ui import Select

from base import BrowserTestCase
from fleet import unique, wait_for

from test_dashboard import shell


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    seen = {}

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.lock:
            n = self.seen[self.path] = self.seen.get(self.path, 0) + 1
        status = 503 if self.path == "/down" else (500 if n == 1 else 200)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


class NotificationTests(BrowserTestCase):
    @classmethod
    def setUpClass(cls):
        cls.receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=cls.receiver.serve_forever, daemon=True).start()
        try:
            super().setUpClass()
        except Exception:
            cls.receiver.shutdown()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.receiver.shutdown()

    @staticmethod
    def hub_args(directory):
        url = f"http://127.0.0.1:{NotificationTests.receiver.server_address[1]}"
        with open(os.path.join(directory, "hook.key"), "w") as file:
            file.write("a-test-secret\n")
        config = {
            "targets": {
                "ops": {"kind": "webhook", "url": f"{url}/ok", "secret_file": os.path.join(directory, "hook.key")},
                "pager": {"kind": "webhook", "url": f"{url}/down", "secret_file": os.path.join(directory, "hook.key")},
            },
            "subscriptions": [
                {"target": "ops", "events": ["task.failed", "task.dead"]},
                {"target": "pager", "events": ["task.dead"]},
            ],
            "retry": ["1s"],  # two attempts: a 500 then a 200 is delivered, two 503s fail
        }
        path = os.path.join(directory, "notifications.json")
        with open(path, "w") as file:
            json.dump(config, file)
        return ["--notifications", path]

    def deliveries(self, status="all"):
        return self.fleet.api.get(f"/api/notifications?status={status}")["notifications"]

    def test_deliveries_with_their_outcome_filtered_by_status(self):
        api = self.fleet.api
        task_id = api.submit(id=unique("flaky-deploy"), prompt="Deploy to staging", max_attempts=2,
                             **shell("echo 'staging refused the deploy' >&2; exit 3"))["id"]
        wait_for("the deploy is dead", lambda: api.state(task_id) == "dead", timeout=30)
        wait_for("the pager's delivery fails", lambda: [d for d in self.deliveries("failed") if d["target"] == "pager"], timeout=30)
        wait_for("a delivery to ops after its retry", lambda: [d for d in self.deliveries("delivered") if d["attempts"] == 2], timeout=30)

        self.page.sign_in(self.fleet.tokens["viewer"])
        self.page.open("#/notifications")
        self.page.wait_view("notifications")
        failed = self.page.wait_css("tr.notification-row[data-status='failed']")
        self.assertIn("pager", failed.text)
        self.assertIn("task.dead", failed.text)
        self.assertIn("503", failed.text, "the last error is shown")
        delivered = self.page.wait_css("tr.notification-row[data-status='delivered']")
        self.assertIn("ops", delivered.text)
        shown = len(self.page.css("tr.notification-row"))
        self.assertEqual(shown, len(self.deliveries()), "one row per delivery")
        self.shot("notifications")

        Select(self.page.css("#notifications-status")[0]).select_by_value("failed")
        self.page.wait_for("only failed deliveries", lambda d: self.page.css("tr.notification-row") and
                           all(r.get_attribute("data-status") == "failed" for r in self.page.css("tr.notification-row")))
        self.assertTrue(self.driver.current_url.endswith("#/notifications?status=failed"), self.driver.current_url)
        self.assertEqual(len(self.page.css("tr.notification-row")), len(self.deliveries("failed")))
        # The address keeps the filter: a reload shows the same.
        self.driver.refresh()
        self.page.wait_view("notifications")
        self.page.wait_css("tr.notification-row[data-status='failed']")
        self.assertEqual(self.page.css("#notifications-status")[0].get_attribute("value"), "failed")
        self.assertEqual(self.page.css("tr.notification-row[data-status='delivered']"), [])

    def test_the_view_fits_375_pixels(self):
        self.page.sign_in(self.fleet.tokens["viewer"])
        self.page.emulate(width=375)
        self.page.open("#/notifications")
        self.page.wait_view("notifications")
        self.page.wait_for("the list", lambda d: any("deliver" in e.text for e in self.page.css("[data-view='notifications'] .list-status")))
        self.assertEqual(self.page.driver.execute_script("return window.innerWidth"), 375)
        self.assertEqual(self.page.horizontal_overflow(), 0, "the notifications view scrolls sideways at 375 px")
