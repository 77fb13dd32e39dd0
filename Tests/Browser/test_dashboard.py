"""The dashboard in a real Chromium against a real hub with real shell agents (issue 22's Proof):
sign-in and scopes, live task list, cancel, graph, live output, narrow and dark screens."""

from base import BrowserTestCase
from fleet import unique, wait_for

# A refused request the test itself sends from the page shows up in the console as a failed load.
REFUSED_LOAD = r"status of 403"


def shell(command, role="general", **extra):
    return {"type": "code.generate" if role == "general" else "testing.run", "role": role,
            "payload": {"command": command}, **extra}


class SignInTests(BrowserTestCase):
    def test_viewer_sees_the_fleet_but_no_way_to_change_it(self):
        running = self.fleet.api.submit(id=unique("viewer-long"), **shell("sleep 30", role="testing"))["id"]
        try:
            self.page.sign_in(self.fleet.tokens["viewer"])
            self.assertEqual(self.page.session()["scope"], "viewer")
            self.page.open("#/")
            self.page.wait_view("overview")
            self.page.wait_css("a[href='#/tasks']")
            self.assertFalse([a for a in self.page.css("a[href='#/submit']") if a.is_displayed()], "a viewer's nav offers Submit")
            wait_for("the long task runs", lambda: self.fleet.api.state(running) == "running")
            self.page.go(f"#/tasks/{running}")
            # The page has loaded the task (its state is on the view) before the buttons are judged.
            self.page.wait_css("[data-view='task'][data-state='running']")
            self.page.wait_css("[data-view='task'] .task-attempts")
            self.assertEqual(self.page.css("[data-action='cancel']"), [], "a viewer sees a cancel button")
            self.assertEqual(self.page.css("[data-action='retry']"), [], "a viewer sees a retry button")
            self.page.go("#/dead")
            self.page.wait_view("dead")
            self.page.wait_for("the dead letters view's content", lambda d: self.page.css("[data-view='dead'] table, [data-view='dead'] .empty"))
            self.assertFalse([b for b in self.page.css("[data-view='dead'] [data-action='retry']") if b.is_displayed()], "a viewer may retry dead letters")
            # Nor can it use the API behind the button, with or without a CSRF token.
            self.allowed_console.append(REFUSED_LOAD)
            csrf = self.page.session()["csrf_token"]
            answer = self.page.fetch("POST", f"/api/tasks/{running}/cancel", {"Content-Type": "application/json", "X-CSRF-Token": csrf}, "{}")
            self.assertEqual(answer["status"], 403, answer)
            self.assertEqual(self.fleet.api.state(running), "running")
        finally:
            self.fleet.api.post(f"/api/tasks/{running}/cancel")

    def test_admin_sees_every_action(self):
        self.page.sign_in(self.fleet.tokens["admin"])
        self.assertEqual(self.page.session()["scope"], "admin")
        self.page.open("#/")
        self.page.wait_view("overview")
        for route in ("#/agents", "#/tasks", "#/submit", "#/graph", "#/events", "#/dead"):
            self.page.wait_css(f"a[href='{route}']")
        self.page.go("#/dead")
        self.page.wait_css("[data-view='dead'] [data-action='retry']")

    def test_a_one_time_link_signs_in_once(self):
        path = self.fleet.api_as("submitter").link()
        self.page.sign_in_with_link(path)
        self.assertEqual(self.page.session()["scope"], "submitter")
        self.page.driver.delete_all_cookies()
        self.page.driver.get(self.fleet.base_url + path)
        self.page.wait_for("the used link to land on the sign-in page", lambda d: "link_expired" in d.current_url)

    def test_a_cookie_post_without_the_csrf_token_is_refused(self):
        running = self.fleet.api.submit(id=unique("csrf-long"), **shell("sleep 30", role="testing"))["id"]
        try:
            self.page.sign_in(self.fleet.tokens["admin"])
            self.allowed_console.append(REFUSED_LOAD)
            answer = self.page.fetch("POST", f"/api/tasks/{running}/cancel", {"Content-Type": "application/json"}, "{}")
            self.assertEqual(answer["status"], 403, answer)
            self.assertIn("csrf_failed", answer["text"])
            self.assertNotEqual(self.fleet.api.state(running), "cancelled")
        finally:
            self.fleet.api.post(f"/api/tasks/{running}/cancel")


class TaskTests(BrowserTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.sign_in(cls.fleet.tokens["admin"])

    def test_a_submitted_task_appears_within_a_second_and_turns_succeeded(self):
        self.page.open("#/tasks")
        self.page.wait_view("tasks")
        self.page.wait_for("the live stream", lambda d: d.find_element("css selector", "#live-state").get_attribute("data-state") == "live")
        marker = self.page.driver.execute_script("return window.__notReloaded = Math.random()")
        task_id = self.fleet.api.submit(id=unique("live"), prompt="Shows up live", **shell("echo live; sleep 1"))["id"]
        # Within a second of the hub's answer, without a reload (the deadline is the wait's).
        self.page.wait_css(f"[data-task-id='{task_id}']", timeout=1.0)
        self.page.wait_css(f"[data-task-id='{task_id}'] .state-succeeded", timeout=20)
        self.assertEqual(self.page.driver.execute_script("return window.__notReloaded"), marker, "the page reloaded")

    def test_cancel_from_the_task_page(self):
        task_id = self.fleet.api.submit(id=unique("cancel-me"), prompt="A long task", **shell("sleep 60", role="testing"))["id"]
        wait_for("the task runs", lambda: self.fleet.api.state(task_id) == "running")
        self.page.open(f"#/tasks/{task_id}")
        self.page.wait_view("task")
        self.page.wait_css("[data-action='cancel']").click()
        self.page.accept_confirm()
        wait_for("the task is cancelled", lambda: self.fleet.api.state(task_id) == "cancelled", timeout=10)
        self.page.wait_css("[data-view='task'] .state-cancelled")

    def test_a_three_task_chain_is_three_nodes_and_two_edges(self):
        a, b, c = unique("chain-a"), unique("chain-b"), unique("chain-c")
        self.fleet.api.post("/api/tasks", [
            {"id": a, "prompt": "Build", **shell("echo build")},
            {"id": b, "prompt": "Test", "depends_on": [a], **shell("echo test")},
            {"id": c, "prompt": "Review", "depends_on": [b], **shell("echo review")},
        ])
        self.page.open(f"#/graph?task={c}")
        self.page.wait_view("graph")
        chain = {a, b, c}
        self.page.wait_for("3 nodes", lambda d: {n.get_attribute("data-task-id") for n in self.page.css("g.node")} >= chain)
        edges = {(e.get_attribute("data-from"), e.get_attribute("data-to")) for e in self.page.css("path.edge")}
        self.assertEqual({edge for edge in edges if edge[0] in chain or edge[1] in chain}, {(a, b), (b, c)})
        self.assertEqual(len([n for n in self.page.css("g.node") if n.get_attribute("data-task-id") in chain]), 3)
        # Nodes follow the states live: the chain ends succeeded without a reload.
        self.page.wait_css(f"g.node[data-task-id='{c}'][data-state='succeeded']", timeout=20)
        self.shot("graph")

    def test_live_output_shows_a_line_the_shell_task_printed(self):
        line = unique("printed-by-the-task")
        task_id = self.fleet.api.submit(id=unique("output"), prompt="Prints a line", **shell(f"echo {line}; sleep 20", role="testing"))["id"]
        try:
            wait_for("the task runs", lambda: self.fleet.api.state(task_id) == "running")
            self.page.open("#/agents/web-tester")
            self.page.wait_view("agent")
            self.page.wait_for("the agent page's output pane shows the line",
                               lambda d: any(line in pane.text for pane in self.page.css(".output-pane")), timeout=15)
            self.shot("agent")
            self.page.go(f"#/tasks/{task_id}")
            self.page.wait_view("task")
            self.page.wait_for("the task page's output pane shows the line",
                               lambda d: any(line in pane.text for pane in self.page.css(".output-pane")), timeout=15)
            self.shot("task")
        finally:
            self.fleet.api.post(f"/api/tasks/{task_id}/cancel")
