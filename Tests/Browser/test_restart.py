"""The page survives a hub restart: the live badge goes to reconnecting and back to live, the
session (stored by the hub) still holds, and the events after the restart arrive without a
reload; none is missed."""

from base import BrowserTestCase
from fleet import unique, wait_for

from test_dashboard import shell

# While the hub is down the browser's reconnects are refused: Chromium logs each one.
RECONNECTS = r"ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_INTERNET_DISCONNECTED|net::|api/events"


class RestartTests(BrowserTestCase):
    def live_state(self):
        return self.page.driver.find_element("css selector", "#live-state").get_attribute("data-state")

    def test_the_page_reconnects_after_a_hub_restart_and_misses_no_event(self):
        self.page.sign_in(self.fleet.tokens["admin"])
        self.page.open("#/tasks")
        self.page.wait_view("tasks")
        self.page.wait_for("live", lambda d: self.live_state() == "live")
        before = self.fleet.api.submit(id=unique("before"), **shell("echo before"))["id"]
        self.page.wait_css(f"[data-task-id='{before}']", timeout=5)
        marker = self.page.driver.execute_script("return window.__notReloaded = Math.random()")

        self.allowed_console.append(RECONNECTS)
        self.fleet.hub.stop()
        self.page.wait_for("the badge to say reconnecting", lambda d: self.live_state() != "live", timeout=10)
        self.assertTrue(self.page.css("#live-state")[0].is_displayed(), "the reconnecting badge is hidden")
        # The browser is held offline while the hub comes back and takes new tasks, so their
        # events happen in the page's gap for certain: it must catch up on them when it
        # reconnects (Last-Event-ID / ?since=), not merely see what comes after.
        self.page.offline(True)
        self.fleet.hub.start()  # same data directory, same port
        after = [self.fleet.api.submit(id=unique("after"), **shell("echo after"))["id"] for _ in range(3)]
        self.assertNotEqual(self.live_state(), "live")
        self.page.offline(False)
        self.page.wait_for("live again", lambda d: self.live_state() == "live", timeout=15)
        for task_id in after:
            self.page.wait_css(f"[data-task-id='{task_id}']", timeout=10)
        wait_for("the agents come back and run them", lambda: all(self.fleet.api.state(t) == "succeeded" for t in after), timeout=30)
        for task_id in after:
            self.page.wait_css(f"[data-task-id='{task_id}'] .state-succeeded", timeout=10)
        self.assertEqual(self.page.driver.execute_script("return window.__notReloaded"), marker, "the page reloaded")
        # The events the page received, shown by the events view (its tail since the page
        # loaded): every task.queued across the restart is there, none missed.
        self.page.go("#/events")
        self.page.wait_view("events")
        self.page.wait_css("#events-prefix").send_keys("task.queued")
        expected = {before, *after}
        self.page.wait_for("every task.queued in the events view",
                           lambda d: expected <= {row.get_attribute("data-task-id") for row in self.page.css("[data-view='events'] [data-task-id]")},
                           timeout=5)
