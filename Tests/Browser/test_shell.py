"""The dashboard's shell and its fleet views (ui-shell): sign-in comes back to the page asked
for, the agents table patches its rows in place as events arrive, the events tail pauses and
holds what arrives meanwhile and starts with the events from before the page opened, the
overview shows a lane's depth and oldest wait."""

from base import BrowserTestCase
from fleet import unique, wait_for

from test_dashboard import shell

# Without a session the page's requests are refused (401) and it goes to /signin.
SIGNED_OUT = r"the server responded with a status of 401"


class ShellTests(BrowserTestCase):
    def test_sign_in_returns_to_the_page_asked_for(self):
        self.page.driver.delete_all_cookies()
        self.allowed_console.append(SIGNED_OUT)
        self.page.open("#/agents/web-dev")
        self.page.wait_for("the sign-in page", lambda d: "/signin" in d.current_url and "next=" in d.current_url)
        self.page.wait_css("input[name=token]").send_keys(self.fleet.tokens["viewer"])
        self.page.wait_css("form [type=submit]").click()
        view = self.page.wait_view("agent")
        self.assertTrue(self.page.driver.current_url.endswith("#/agents/web-dev"), self.page.driver.current_url)
        self.page.wait_for("the agent's details", lambda d: "web-dev" in view.text)
        who = self.page.wait_css("#whoami")
        self.assertIn("viewer", who.text.lower())
        # A viewer gets no controls on an agent's page.
        self.assertEqual(self.page.css("[data-action='restart'], [data-action='stop'], [data-action='type']"), [])

    def test_agents_table_updates_its_row_in_place(self):
        self.page.sign_in(self.fleet.tokens["admin"])
        self.page.open("#/agents")
        self.page.wait_view("agents")
        row = self.page.wait_css("[data-view='agents'] [data-agent-id='web-dev']")
        self.page.wait_for("web-dev idle", lambda d: row.find_element("css selector", ".state").text == "idle")
        self.page.driver.execute_script("window.__row = arguments[0]", row)
        task = self.fleet.api.submit(id=unique("agents-row"), **shell("sleep 3"))["id"]
        self.page.wait_for("web-dev working on the task",
                           lambda d: row.find_element("css selector", ".state").text in ("assigned", "working")
                           and row.find_elements("css selector", f"[data-task-id='{task}']"), timeout=10)
        wait_for("the task succeeds", lambda: self.fleet.api.state(task) == "succeeded", timeout=20)
        self.page.wait_for("web-dev idle again, no task",
                           lambda d: row.find_element("css selector", ".state").text == "idle"
                           and not row.find_elements("css selector", "[data-task-id]"), timeout=10)
        same = self.page.driver.execute_script(
            "return window.__row === document.querySelector(\"[data-view='agents'] [data-agent-id='web-dev']\")")
        self.assertTrue(same, "the row was rebuilt instead of updated in place")

    def test_events_tail_pauses_and_resumes(self):
        self.page.sign_in(self.fleet.tokens["admin"])
        self.page.open("#/events")
        self.page.wait_view("events")
        self.page.wait_for("live", lambda d: self.page.css("#live-state")[0].get_attribute("data-state") == "live")
        self.page.wait_css("[data-action='pause']").click()
        self.page.wait_css("[data-action='resume']")
        held = self.fleet.api.submit(id=unique("held"), **shell("echo held"))["id"]
        self.page.wait_for("the held count", lambda d: "held" in self.page.css("#events-pause")[0].text)
        self.assertEqual(self.page.css(f"[data-view='events'] [data-task-id='{held}']"), [], "a paused tail shows new events")
        self.page.css("#events-pause")[0].click()
        self.page.wait_css(f"[data-view='events'] [data-task-id='{held}']")
        # A type prefix keeps only the matching events.
        self.page.wait_css("#events-prefix").send_keys("agent.")
        self.page.wait_gone(f"[data-view='events'] [data-task-id='{held}']")

    def test_overview_shows_a_lane_with_its_oldest_wait(self):
        # No agent serves role 'security': the task waits in its lane.
        waiting = self.fleet.api.submit(id=unique("lane"), type="security.audit", priority="high",
                                        payload={"command": "echo never"})["id"]
        try:
            self.page.sign_in(self.fleet.tokens["viewer"])
            self.page.open("#/")
            self.page.wait_view("overview")
            lane = self.page.wait_css("#lanes [data-role='security'][data-priority='high']")
            self.page.wait_for("the lane's oldest wait", lambda d: lane.find_elements("css selector", "td")[-1].text not in ("", "—"))
            self.assertEqual(lane.find_elements("css selector", "td")[3].text, "1")
            self.assertNotEqual(self.page.css("#kpi-queued")[0].text, "0")
        finally:
            self.fleet.api.post(f"/api/tasks/{waiting}/cancel")

    def test_events_tail_starts_with_the_events_before_the_page_opened(self):
        earlier = self.fleet.api.submit(id=unique("earlier"), **shell("echo earlier"))["id"]
        wait_for("the earlier task succeeds", lambda: self.fleet.api.state(earlier) == "succeeded", timeout=20)
        self.page.sign_in(self.fleet.tokens["viewer"])
        self.page.open("#/events")
        self.page.driver.refresh()  # a fresh page: it has seen none of the earlier task's events
        self.page.wait_view("events")
        self.page.wait_css("#events-prefix").send_keys("task.succeeded")
        self.page.wait_css(f"[data-view='events'] [data-task-id='{earlier}']")
