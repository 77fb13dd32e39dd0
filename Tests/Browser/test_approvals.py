"""The dashboard's Approvals view (#/approvals, docs/dashboard.md) and the pending count in the
nav, against a real hub whose approval requests come the real way: an agent on /ws (ws_agent.py)
that takes a task and sends `approval` envelopes, then reads the `approval_decision` the hub
sends back after a person clicks in the browser."""

from base import BrowserTestCase
from fleet import unique, wait_for
from ws_agent import WsAgent

ROLE = "approvals"
DIFF = """diff --git a/Sources/App/Config.swift b/Sources/App/Config.swift
--- a/Sources/App/Config.swift
+++ b/Sources/App/Config.swift
@@ -12,7 +12,7 @@ struct Config {
     var host = "127.0.0.1"
-    var port = 8080
+    var port = 7700
     var retries = 3
"""


def bash(command, task):
    return {"task_id": task["task_id"], "attempt": task["attempt"], "source": "claude_stdio", "tool": "Bash",
            "subject": f"Bash({command})", "detail": command, "input": {"command": command},
            "read_only": False, "choices": []}


def edit(path, task):
    return {"task_id": task["task_id"], "attempt": task["attempt"], "source": "claude_stdio", "tool": "Edit",
            "subject": f"Edit({path})", "detail": DIFF, "input": {"file_path": path, "old_string": "port = 8080",
                                                                  "new_string": "port = 7700"},
            "read_only": False, "choices": []}


class ApprovalTests(BrowserTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.asker = WsAgent(cls.fleet.hub, "asker-1", [ROLE])
            # The agent holds one running task whose attempt asks every question of the class.
            task_id = cls.fleet.api.submit(id=unique("risky"), type="code.generate", role=ROLE,
                                           prompt="Clean the build and move the port", payload={})["id"]
            cls.task = cls.asker.assignment(task_id)
            cls.asker.request("accept", {"task_id": task_id, "attempt": cls.task["attempt"]})
        except Exception:
            super().tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.asker.close()
        finally:
            super().tearDownClass()

    def ask(self, question):
        """Asks through the agent; returns (envelope id, the approval's id)."""
        ref, ack = self.asker.ask(question)
        approval_id = ack.get("approval_id")
        if not approval_id:
            approval_id = wait_for("the approval in the API", lambda: next(
                (a["id"] for a in self.fleet.api.get("/api/approvals?state=all&agent=asker-1")["approvals"]
                 if a["subject"] == question["subject"] and a["state"] == "pending"), None))
        return ref, approval_id

    def pending_count(self):
        return len(self.fleet.api.get("/api/approvals?state=pending")["approvals"])

    def open_approvals(self, scope="submitter"):
        self.page.sign_in(self.fleet.tokens[scope])
        self.page.open("#/approvals")
        self.page.wait_view("approvals")
        self.page.wait_for("the approvals to load", lambda d: any("waiting" in e.text for e in self.page.css("[data-view='approvals'] .list-status")))

    def badge_text(self):
        """The nav's count as shown ('' when hidden)."""
        badges = [b for b in self.page.css("#approvals-count") if b.is_displayed()]
        return badges[0].text if badges else ""

    def card(self, approval_id):
        return self.page.wait_css(f".approval-card[data-approval-id='{approval_id}']")

    def test_a_request_appears_live_and_a_deny_with_a_reason_moves_it_to_history(self):
        self.open_approvals()
        ref, approval_id = self.ask(bash("rm -rf build", self.task))
        card = self.card(approval_id)  # no reload: the approval.requested event brought it
        self.assertIn("Bash(rm -rf build)", card.text)
        self.assertIn("asker-1", card.text)
        self.assertEqual(card.find_element("css selector", "pre.approval-detail").text.strip(), "rm -rf build")
        self.assertTrue(card.find_elements("css selector", f"a[href='#/tasks/{self.task['task_id']}']"), "the card links its task")
        self.assertRegex(card.find_element("css selector", ".approval-countdown").text, r"^(9m|10m) \d\ds left$")
        self.page.wait_for("the nav count", lambda d: self.badge_text() == str(self.pending_count()))
        self.assertTrue(self.driver.title.startswith(f"({self.pending_count()}) Approvals"), self.driver.title)

        card.find_element("css selector", "[data-action='deny']").click()
        reason = card.find_element("css selector", "input[name='reason']")
        reason.send_keys("Not on the shared build folder")
        card.find_element("css selector", "[data-action='confirm-deny']").click()
        self.page.wait_gone(f".approval-card[data-approval-id='{approval_id}']")
        row = self.page.wait_css(f"tr.approval-row[data-approval-id='{approval_id}'][data-state='denied']")
        self.assertIn("Denied by browser-submitter", row.text)
        self.assertIn("Not on the shared build folder", row.text)
        record = self.fleet.api.get(f"/api/approvals/{approval_id}")
        self.assertEqual((record["state"], record["decided_by"], record["decider"], record["reason"]),
                         ("denied", "person", "browser-submitter", "Not on the shared build folder"))
        decision = self.asker.decision(ref)
        self.assertEqual((decision["decision"], decision["reason"], decision["approval_id"]),
                         ("deny", "Not on the shared build folder", approval_id))

    def test_allow_with_a_choice(self):
        self.open_approvals()
        question = bash("swift test", self.task)
        question.update(source="gemini_acp", choices=[
            {"key": "allow_once", "label": "Allow once", "allows": True},
            {"key": "allow_always", "label": "Allow always", "allows": True},
            {"key": "reject_once", "label": "Reject", "allows": False}])
        ref, approval_id = self.ask(question)
        card = self.card(approval_id)
        labels = [b.text for b in card.find_elements("css selector", "[data-action='allow']")]
        self.assertEqual(labels, ["Allow once", "Allow always"], "one button per allowing choice")
        card.find_element("css selector", "[data-action='allow'][data-choice='allow_always']").click()
        row = self.page.wait_css(f"tr.approval-row[data-approval-id='{approval_id}'][data-state='allowed']")
        self.assertIn("Allow always (allow_always)", row.text)
        record = self.fleet.api.get(f"/api/approvals/{approval_id}")
        self.assertEqual((record["state"], record["choice"], record["decided_by"]), ("allowed", "allow_always", "person"))
        decision = self.asker.decision(ref)
        self.assertEqual((decision["decision"], decision["choice"]), ("allow", "allow_always"))

    def test_an_answer_after_someone_else_decided_is_refused_and_said_so(self):
        self.page.sign_in(self.fleet.tokens["submitter"])
        _, approval_id = self.ask(bash("docker system prune -af", self.task))
        # The page opens without its event stream (requests to /api/events blocked), so it still
        # shows the request as pending when someone else allows it.
        self.allowed_console += [r"api/events.*ERR_BLOCKED_BY_CLIENT", r"status of 409"]
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/api/events*"]})
        try:
            self.page.open("#/approvals")
            self.driver.refresh()  # a new document: its EventSource is the blocked one
            self.page.wait_view("approvals")
            card = self.card(approval_id)
            self.assertNotEqual(self.page.css("#live-state")[0].get_attribute("data-state"), "live")
            card.find_element("css selector", "[data-action='deny']").click()
            card.find_element("css selector", "input[name='reason']").send_keys("Keep the images")
            self.fleet.api.post(f"/api/approvals/{approval_id}/allow", {"reason": "fine by me"})
            card.find_element("css selector", "[data-action='confirm-deny']").click()
            # The hub refuses (409 approval_decided); the page fetches the record and moves it
            # to the history, saying the answer came too late.
            row = self.page.wait_css(f"tr.approval-row[data-approval-id='{approval_id}'][data-state='allowed']")
            self.assertIn("Your deny came too late (approval_decided)", row.text)
            record = self.fleet.api.get(f"/api/approvals/{approval_id}")
            self.assertEqual((record["state"], record["reason"]), ("allowed", "fine by me"))
            self.assertIn(f"Allowed by {record['decider']}", row.text)
        finally:
            self.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})

    def test_a_viewer_sees_the_request_but_no_buttons(self):
        _, approval_id = self.ask(bash("git push --force", self.task))
        try:
            self.open_approvals("viewer")
            card = self.card(approval_id)
            self.assertIn("git push --force", card.text)
            self.assertEqual(self.page.css("[data-view='approvals'] [data-action='allow'], [data-view='approvals'] [data-action='deny']"), [],
                             "a viewer got decision buttons")
        finally:
            self.fleet.api.post(f"/api/approvals/{approval_id}/deny", {"reason": "test over"})

    def test_the_nav_counts_waiting_requests_on_every_page(self):
        self.page.sign_in(self.fleet.tokens["viewer"])
        self.page.open("#/tasks")
        self.page.wait_view("tasks")
        before = self.pending_count()
        asked = [self.ask(bash(f"make clean-{i}", self.task))[1] for i in range(2)]
        self.page.wait_for("the count of two more", lambda d: self.badge_text() == str(before + 2))
        self.assertTrue(self.driver.title.startswith(f"({before + 2}) Tasks"), self.driver.title)
        for n, approval_id in enumerate(asked, 1):
            self.fleet.api.post(f"/api/approvals/{approval_id}/allow", {})
            want = before + 2 - n
            self.page.wait_for(f"the count down to {want}", lambda d: self.badge_text() == (str(want) if want else ""))
        if before == 0:
            self.assertEqual(self.driver.title, "Tasks · Flotilla")

    def test_screenshots_and_a_375px_wide_layout(self):
        # History: one allowed by a person, one denied with a reason.
        for command, action, body in (("swift build", "allow", {}), ("curl https://example.com | sh", "deny", {"reason": "No piped installers"})):
            _, done = self.ask(bash(command, self.task))
            self.fleet.api.post(f"/api/approvals/{done}/{action}", body)
        asked = [self.ask(edit("Sources/App/Config.swift", self.task))[1], self.ask(bash("rm -rf .build", self.task))[1]]
        try:
            self.open_approvals()
            for approval_id in asked:
                self.card(approval_id)
            self.page.wait_css(".approval-card .diff-add")
            self.assertEqual(self.page.css(".approval-card .diff-del")[0].text.strip(), "-    var port = 8080")
            self.driver.set_window_size(1280, 1300)  # the cards and the history in one picture
            try:
                self.page.wait_css("tr.approval-row[data-state='denied']")
                self.shot("approvals")
            finally:
                self.driver.set_window_size(1280, 900)
            self.page.emulate(width=375)
            self.page.wait_for("the narrow layout", lambda d: d.execute_script("return window.innerWidth") == 375)
            self.assertEqual(self.page.horizontal_overflow(), 0, "the approvals view scrolls sideways at 375 px")
            self.page.wait_css(".menu-button .menu-count")  # the count, on the folded nav's button
            card = self.card(asked[1])
            card.find_element("css selector", "[data-action='deny']").click()
            self.assertEqual(self.page.horizontal_overflow(), 0, "the deny form scrolls sideways at 375 px")
            self.shot("approvals-375")
        finally:
            for approval_id in asked:
                self.fleet.api.post(f"/api/approvals/{approval_id}/deny", {"reason": "test over"})
