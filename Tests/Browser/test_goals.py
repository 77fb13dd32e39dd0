"""The dashboard's Goals views (#/goals and #/goals/{id}, docs/dashboard.md) against a real hub:
goals added through the API (on a real git repository), and one goal whose plan and stage
details (merges, verification, review) are written into the hub's SQLite file while the hub is
stopped, as the goal stages would have recorded them (docs/goals.md, "details")."""

import json
import os
import sqlite3
import subprocess
import time
import unittest

from base import BrowserTestCase
from fleet import ApiError, wait_for
from selenium.webdriver.support.ui import Select

# Without autonomy the hub answers 404 to GET /api/autonomy (the panel stays hidden); the add
# form's refused POST is a 400. Chromium logs both as failed resources.
EXPECTED_CONSOLE = [r"api/autonomy.*404", r"api/goals .*400|api/goals - .*400|api/goals.*status of 400"]
# A hub without goal budgets (goal-planning adds the route) answers 404 to a raise.
NO_BUDGET_ROUTE = r"api/goals/g_[0-9a-f]+/budget.*(404|405)"

PLAN = {
    "summary": "Token-bucket rate limiting on the API",
    "steps": [
        {"id": "limiter", "title": "Token bucket", "prompt": "Write a token bucket.", "success_criteria": ["buckets refill"],
         "files": ["Sources/Limits/"]},
        {"id": "routes", "title": "Use it in the routes", "prompt": "Limit the routes.", "success_criteria": ["429 when over"],
         "needs": ["limiter"], "files": ["Sources/Routes/**"]},
        {"id": "docs", "title": "Document the limits", "prompt": "Document it.", "success_criteria": ["docs say the rate"],
         "needs": ["routes"], "files": ["docs/"]},
    ],
}
DETAILS = {
    "planning": {"tasks": ["t_plan1"], "issues": [], "approval_id": None},
    "branch": {"clone": "/tmp/clone", "branch": "flotilla/goal-x", "base_branch": "main", "base_commit": "abc1234", "head": "def5678"},
    "merges": {
        "limiter": {"task_id": "t_step1", "commit": "1111111aaaa", "merged_commit": "2222222bbbb", "state": "merged", "fixes": [], "reason": None},
        "routes": {"task_id": "t_step2", "commit": "3333333cccc", "merged_commit": "4444444dddd", "state": "merged", "fixes": ["t_fix1"], "reason": "conflict"},
        "docs": {"task_id": "t_step3", "commit": "5555555eeee", "merged_commit": None, "state": "fixing", "fixes": ["t_fix2"], "reason": "verify"},
    },
    "verification": {"rounds": 1, "checks": [{"command": "make test", "exit_code": 2, "passed": False, "output": "FAIL: limits_test"}], "fix_tasks": ["t_fix2"]},
    "review": {"tier": "high", "reasons": [{"rule": "path:migrations", "tier": "high", "message": "touches a database migration",
                                           "files": ["db/migrations/001_limits.sql"]}],
               "secrets": [{"file": "config/aws.env", "line": 3, "kind": "aws_access_key_id", "excerpt": "AWS_ACCESS_KEY_ID=AKIA…[redacted]"}], "blocked": True,
               "diff": {"files": 4, "added": 120, "removed": 8}, "pr_url": None, "auto_merge": False},
}


def git_repository(directory):
    """A real git repository with one commit (what a goal's `repo` names)."""
    path = os.path.join(directory, "repo")
    os.makedirs(path)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    with open(os.path.join(path, "README.md"), "w") as file:
        file.write("# API\n")
    for command in (["git", "init", "-q", "-b", "main"], ["git", "add", "."], ["git", "commit", "-q", "-m", "first"]):
        subprocess.run(command, cwd=path, env=env, check=True)
    return path


class GoalsViewTests(BrowserTestCase):
    # One shell agent for the goal tasks a test submits itself (the cost test); no planner.
    fleet_agents = (("goal-worker", ["goalwork"]),)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.repo = git_repository(cls.fleet.directory)
            api = cls.fleet.api
            # The seeded goal: added and cancelled for real (its timeline's events), then its plan
            # and details written while the hub is stopped; the store reads them at start.
            cls.seeded = api.post("/api/goals", {"title": "Add rate limiting to the API", "repo": cls.repo, "budget_usd": 0.5})["id"]
            api.post(f"/api/goals/{cls.seeded}/cancel", {"reason": "stopped by the test"})
            # A goal whose plan waits for a person (the approval stage's state and details).
            cls.waiting = api.post("/api/goals", {"title": "Rotate the signing keys", "repo": cls.repo})["id"]
            hub = cls.fleet.hub
            hub.stop()
            with sqlite3.connect(os.path.join(hub.data_dir, "flotilla.sqlite")) as db:
                db.execute("UPDATE goals SET plan = ?, details = ? WHERE id = ?", (json.dumps(PLAN), json.dumps(DETAILS), cls.seeded))
                db.execute("UPDATE goals SET state = 'awaiting_approval', plan = ?, details = ? WHERE id = ?",
                           (json.dumps(PLAN), json.dumps({"planning": {"tasks": [], "issues": [], "approval_id": "ap_seeded"},
                                                    "autonomy": {"origin": "autonomy", "finding": {"kind": "todo", "fingerprint": "f_seeded",
                                                                                                     "summary": "TODO in Sources/Keys.swift:12"}}}), cls.waiting))
            hub.start()
        except Exception:
            super().tearDownClass()
            raise

    def setUp(self):
        super().setUp()
        self.allowed_console += EXPECTED_CONSOLE

    def open_goals(self, scope="viewer"):
        self.page.sign_in(self.fleet.tokens[scope])
        self.page.open("#/goals")
        self.page.wait_view("goals")
        self.page.wait_for("the goals to load", lambda d: any("goal" in e.text for e in self.page.css("[data-view='goals'] .list-status")))

    def timeline(self):
        """The timeline's states, read in one script (its entries are redrawn as events come)."""
        return self.driver.execute_script("return [...document.querySelectorAll('.goal-timeline-entry')].map(e => e.dataset.to)")

    def row_text(self, goal_id):
        """A list row's text, or None (rows are redrawn when their goal changes)."""
        return self.driver.execute_script("const r = document.querySelector(`tr.goal-row[data-goal-id='${arguments[0]}']`); return r ? r.innerText : null", goal_id)

    def add_goal(self, title):
        return self.fleet.api.post("/api/goals", {"title": title, "repo": self.repo})

    def test_the_list_shows_a_goal_added_through_the_api_within_a_second_of_its_event(self):
        self.open_goals()
        self.page.wait_for("live", lambda d: self.page.css("#live-state")[0].get_attribute("data-state") == "live")
        self.driver.execute_script("window.__notReloaded = true")
        goal = self.add_goal("Add a health check route")
        added = time.monotonic()  # the goal.state_changed event is committed with the answer
        text = self.page.wait_for("the new goal's row", lambda d: self.row_text(goal["id"]), timeout=1.0)
        self.assertLess(time.monotonic() - added, 1.0)
        self.assertIn("Add a health check route", text)
        self.assertTrue(self.driver.execute_script("return window.__notReloaded === true"), "the page reloaded")
        self.page.wait_css(f"tr.goal-row[data-goal-id='{goal['id']}'] a[href='#/goals/{goal['id']}']")
        # The nav's Goals link is current; a viewer gets no Add goal button.
        self.assertEqual(self.page.css("#nav a[href='#/goals']")[0].get_attribute("aria-current"), "page")
        self.assertEqual(self.page.css("[data-action='open-goal-form']"), [])
        # The seeded goal: 2 of 3 steps merged, what it spent against $0.50.
        self.page.wait_css(f"tr.goal-row[data-goal-id='{self.seeded}'] .goal-progress[data-merged='2'][data-total='3']")
        self.page.wait_css(f"tr.goal-row[data-goal-id='{self.waiting}'] .goal-proposed")  # proposed by the hub's own initiative
        self.assertIn("2/3", self.row_text(self.seeded))
        self.assertIn("of $0.50", self.page.css(f"tr.goal-row[data-goal-id='{self.seeded}'] .col-cost")[0].get_attribute("textContent"))
        # Filtered by state (kept in the address): the cancelled one only.
        Select(self.page.css("#goals-state")[0]).select_by_value("cancelled")
        self.page.wait_gone(f"tr.goal-row[data-goal-id='{goal['id']}']")
        self.assertTrue(self.page.css(f"tr.goal-row[data-goal-id='{self.seeded}']"))
        self.assertTrue(self.driver.current_url.endswith("#/goals?state=cancelled"), self.driver.current_url)
        self.fleet.api.post(f"/api/goals/{goal['id']}/cancel", {})

    def test_the_add_form_shows_the_hubs_error_for_an_empty_title_then_adds_the_goal(self):
        self.open_goals("submitter")
        self.page.wait_css("[data-action='open-goal-form']").click()
        form = self.page.wait_css("form.goal-form")
        form.find_element("css selector", "input[name='repo']").send_keys(self.repo)
        form.find_element("css selector", "[data-action='add-goal']").click()
        error = self.page.wait_for("the title's error", lambda d: (lambda e: e if e.text else False)(self.page.css("[data-error-for='title']")[0]))
        # The hub's own message for the same body, beside the field it names.
        with self.assertRaises(ApiError) as refused:
            self.fleet.api.post("/api/goals", {"title": "", "repo": self.repo})
        hub_error = json.loads(refused.exception.body)["error"]
        self.assertEqual((refused.exception.status, hub_error["field"]), (400, "title"))
        self.assertEqual(error.text, hub_error["message"])
        self.assertEqual(form.find_element("css selector", "input[name='title']").get_attribute("aria-invalid"), "true")
        before = {g["id"] for g in self.fleet.api.get("/api/goals?limit=500")["goals"]}
        form.find_element("css selector", "input[name='title']").send_keys("Add request logging")
        form.find_element("css selector", "input[name='priority']").send_keys("70")
        form.find_element("css selector", "[data-action='add-goal']").click()
        self.page.wait_gone("form.goal-form")
        added = wait_for("the goal in the API", lambda: [g for g in self.fleet.api.get("/api/goals?limit=500")["goals"] if g["id"] not in before])
        self.assertEqual((added[0]["title"], added[0]["repo"], added[0]["priority"]), ("Add request logging", self.repo, 70))
        self.page.wait_css(f"tr.goal-row[data-goal-id='{added[0]['id']}']")
        self.fleet.api.post(f"/api/goals/{added[0]['id']}/cancel", {})

    def test_the_detail_page_draws_the_plan_merges_review_and_timeline(self):
        self.page.sign_in(self.fleet.tokens["viewer"])
        self.page.open(f"#/goals/{self.seeded}")
        self.page.wait_view("goal")
        self.page.wait_for("three plan nodes", lambda d: len(self.page.css("svg.step-graph .step-node")) == 3)
        nodes = {n.get_attribute("data-step-id"): n for n in self.page.css("svg.step-graph .step-node")}
        self.assertEqual(set(nodes), {"limiter", "routes", "docs"}, "one SVG node per plan step")
        self.assertEqual(nodes["limiter"].get_attribute("data-merge"), "merged")
        self.assertEqual(nodes["docs"].get_attribute("data-merge"), "fixing")
        self.assertEqual(len(self.page.css("svg.step-graph path.edge")), 2, "one edge per need")
        # Choosing a node shows its step's card.
        nodes["docs"].click()
        self.page.wait_css("li.goal-step.goal-step-chosen[data-step-id='docs']")
        # Each step: title, criteria, files, fixes linked to their tasks.
        routes = self.page.wait_css("li.goal-step[data-step-id='routes']")
        self.assertIn("Use it in the routes", routes.text)
        self.assertIn("429 when over", routes.text)
        self.assertIn("Sources/Routes/**", routes.text)
        self.assertTrue(routes.find_elements("css selector", "a[href='#/tasks/t_fix1']"), "the fix task is linked")
        # Verification and review: the failing check, tier with reasons, the secret's file:line.
        self.assertIn("make test", self.page.wait_css(".goal-check[data-passed='false']").text)
        review = self.page.wait_css(".goal-review[data-tier='high'][data-blocked='true']")
        self.assertIn("config/aws.env:3", review.text)
        self.assertIn("path:migrations (high): touches a database migration", review.text)
        self.assertIn("AKIA…[redacted]", review.text)
        self.assertIn("+120", review.text)
        # The timeline, from the goal.state_changed events: added (queued), then cancelled.
        # (A hub running goals may have started planning it in between.)
        self.page.wait_for("the timeline", lambda d: self.timeline() in (["queued", "cancelled"], ["queued", "planning", "cancelled"]))
        self.assertIn("stopped by the test", self.page.css(".goal-timeline-entry")[-1].text)
        self.assertIn("of $0.50", self.page.css(".goal-cost-host")[0].text)
        self.assertEqual(self.page.css("[data-view='goal'] [data-action='retry-goal']"), [], "a viewer got a Retry button")
        self.driver.set_window_size(1280, 1400)
        try:
            self.shot("goal")
        finally:
            self.driver.set_window_size(1280, 900)

    def test_the_timeline_streams_only_its_own_goals_events(self):
        # The page asks the hub for this goal's state changes (`goal=`, an index in the store),
        # not for every goal's to filter them itself. Every EventSource the page opens is recorded.
        other = self.add_goal("Another goal's events")["id"]
        self.fleet.api.post(f"/api/goals/{other}/cancel", {"reason": "not this one"})
        self.page.sign_in(self.fleet.tokens["viewer"])
        recorder = self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": (
            "window.__streams = []; const Real = window.EventSource;"
            "window.EventSource = class extends Real { constructor(url, init) { super(url, init); window.__streams.push(String(url)) } };")})
        try:
            # A new document (the same address but for its hash would not load one).
            self.driver.get("about:blank")
            self.page.open(f"#/goals/{self.seeded}")
            self.page.wait_view("goal")
            self.page.wait_for("the timeline", lambda d: self.timeline() in (["queued", "cancelled"], ["queued", "planning", "cancelled"]))
            streams = self.driver.execute_script("return window.__streams")
            self.assertEqual([u for u in streams if "goal=" in u], [f"/api/events?since=0&goal={self.seeded}&types=goal.state_changed"], streams)
            self.assertEqual([u for u in streams if "since=0" in u and "goal=" not in u], [], "no stream replays every goal's events")
            self.assertNotIn("not this one", self.page.css(".goal-timeline")[0].text)
        finally:
            self.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": recorder["identifier"]})

    def test_cancel_via_the_button_moves_the_goal_to_cancelled(self):
        goal = self.add_goal("Speed up the test suite")
        self.page.sign_in(self.fleet.tokens["submitter"])
        self.page.open(f"#/goals/{goal['id']}")
        self.page.wait_view("goal")
        self.page.wait_for("the added entry", lambda d: self.timeline()[:1] == ["queued"])
        self.page.wait_css("[data-action='cancel-goal']").click()
        self.page.accept_confirm()
        self.page.wait_css("[data-view='goal'][data-state='cancelled']")
        self.assertEqual(self.fleet.api.get(f"/api/goals/{goal['id']}")["state"], "cancelled")
        # The timeline gets the change from the event stream; Retry replaces Cancel.
        self.page.wait_for("the cancelled entry", lambda d: self.timeline()[-1:] == ["cancelled"])
        self.assertEqual(self.page.css("[data-action='cancel-goal']"), [])
        self.page.wait_css("[data-action='retry-goal']").click()
        self.page.accept_confirm()
        self.page.wait_for("back in the backlog", lambda d: self.fleet.api.get(f"/api/goals/{goal['id']}")["retries"] == 1)
        self.fleet.api.post(f"/api/goals/{goal['id']}/cancel", {})

    def test_the_nav_counts_goals_waiting_for_a_person_and_the_autonomy_panel_follows_the_hub(self):
        self.page.sign_in(self.fleet.tokens["viewer"])
        self.page.open("#/tasks")
        self.page.wait_view("tasks")
        waiting = lambda: len(self.fleet.api.get("/api/goals?state=awaiting_approval")["goals"])
        badge = lambda: self.driver.execute_script("const b = document.getElementById('goals-count'); return b && !b.hidden ? b.textContent : ''")
        self.page.wait_for("the nav's count", lambda d: badge() == (str(waiting()) if waiting() else ""))
        goal = self.fleet.api.get(f"/api/goals/{self.waiting}")
        if goal["state"] == "awaiting_approval":
            self.assertEqual(badge(), str(waiting()))
            # Its page links the approval it waits for.
            self.page.go(f"#/goals/{self.waiting}")
            link = self.page.wait_css(".goal-approval a[href='#/approvals']")
            self.assertEqual(link.get_attribute("data-approval-id"), "ap_seeded")
            self.assertIn("todo: TODO in Sources/Keys.swift:12", self.page.wait_css(".goal-proposal").text)
            before = waiting()
            self.fleet.api.post(f"/api/goals/{self.waiting}/cancel", {"reason": "no longer needed"})
            self.page.wait_for("the count down by one", lambda d: badge() == (str(before - 1) if before > 1 else ""))
        # The autonomy panel shows exactly when the hub answers GET /api/autonomy.
        self.page.go("#/goals")
        self.page.wait_view("goals")
        status = self.page.fetch("GET", "/api/autonomy")["status"]
        if status == 200:
            self.page.wait_css("#autonomy-panel .state")
        else:
            self.assertIn(status, (404, 405))
            self.page.wait_for("the goals to load", lambda d: "goal" in self.page.css("[data-view='goals'] .list-status")[0].text)
            self.assertFalse(self.page.css("#autonomy-panel")[0].is_displayed(), "the autonomy panel shows on a hub without autonomy")

    def test_raise_budget_raises_it_or_goes_away_on_a_hub_without_the_route(self):
        self.allowed_console.append(NO_BUDGET_ROUTE)
        goal = self.fleet.api.post("/api/goals", {"title": "Cache the API's answers", "repo": self.repo, "budget_usd": 0.05})
        try:
            # Raising a budget spends money: a submitter gets no form, an admin does.
            self.page.sign_in(self.fleet.tokens["submitter"])
            self.page.open(f"#/goals/{goal['id']}")
            self.page.wait_view("goal")
            self.page.wait_css(".goal-cost-host .goal-cost[data-over='false']")
            self.page.wait_css("[data-action='cancel-goal']")
            self.assertEqual(self.page.css("form.goal-raise"), [], "a submitter got the Raise budget form")
            self.page.sign_in(self.fleet.tokens["admin"])
            self.page.open(f"#/goals/{goal['id']}")
            self.page.wait_view("goal")
            self.page.wait_css("form.goal-raise input[name='budget_usd']").send_keys("1.5")
            self.page.wait_css("[data-action='raise-budget']").click()
            message = self.page.wait_for("the hub's answer", lambda d: (lambda t: t if t in ("Budget raised.", "This hub cannot raise a goal's budget.") else False)(
                self.page.css("[data-view='goal'] .action-message")[0].text))
            if message == "Budget raised.":
                self.assertEqual(self.fleet.api.get(f"/api/goals/{goal['id']}")["budget_usd"], 1.5)
                self.page.wait_for("the new budget", lambda d: "of $1.50" in self.page.css(".goal-cost-host")[0].text)
            else:
                self.assertEqual(self.fleet.api.get(f"/api/goals/{goal['id']}")["budget_usd"], 0.05, "a refused raise changed the budget")
                self.page.wait_gone("form.goal-raise")
        finally:
            self.fleet.api.post(f"/api/goals/{goal['id']}/cancel", {})

    def test_the_cost_follows_the_goals_tasks_live(self):
        goal = self.fleet.api.post("/api/goals", {"title": "Tidy the error messages", "repo": self.repo, "budget_usd": 0.1})
        try:
            self.open_goals()
            self.page.wait_for("the row", lambda d: self.row_text(goal["id"]))
            cost = lambda: self.driver.execute_script(
                "const c = document.querySelector(`tr.goal-row[data-goal-id='${arguments[0]}'] .goal-cost`); return c ? [c.dataset.usd, c.dataset.over] : null", goal["id"])
            self.assertEqual(cost(), ["0", "false"])
            # A task of the goal (metadata goal) that reports spending, as a step's model would:
            # its end refetches the list, and the goal's cost (the ledger by goal) shows, over budget.
            task = self.fleet.api.submit(type="goal.step", role="goalwork", metadata={"goal": goal["id"]},
                                         payload={"command": "echo '::flotilla-usage {\"usd\":0.12,\"input_tokens\":1000,\"output_tokens\":250}'; echo done"})
            wait_for("the goal task succeeds", lambda: self.fleet.api.state(task["id"]) == "succeeded", timeout=30)
            self.page.wait_for("the cost without a reload", lambda d: cost() == ["0.12", "true"], timeout=5)
            self.assertIn("$0.12 of $0.10", self.row_text(goal["id"]))
        finally:
            self.fleet.api.post(f"/api/goals/{goal['id']}/cancel", {})

    def test_pages_left_behind_hold_no_stream(self):
        # A browser gives a host six connections; a goal's page holds two streams (the live one
        # and its timeline's). Pages left for new documents may stay in the back/forward cache:
        # their streams close when they are hidden, so the page in front still gets answers.
        self.page.sign_in(self.fleet.tokens["viewer"])
        for n in range(4):
            self.driver.get(f"{self.fleet.base_url}/?visit={n}#/goals/{self.seeded}")
            self.page.wait_css(f"[data-view='goal'][data-goal-id='{self.seeded}'] .goal-timeline-entry")
        status = self.driver.execute_async_script(
            "const done = arguments[0]; setTimeout(() => done('no answer in 3 s'), 3000);"
            "fetch('/auth/session', {credentials: 'same-origin'}).then(r => done(r.status), e => done(String(e)));")
        self.assertEqual(status, 200)

    def test_screenshot_and_a_375px_wide_list(self):
        self.open_goals("submitter")
        self.page.wait_css(f"tr.goal-row[data-goal-id='{self.seeded}']")
        self.page.wait_css("[data-action='open-goal-form']").click()
        self.page.wait_css("form.goal-form")
        self.shot("goals")
        self.page.emulate(width=375)
        self.page.wait_for("the narrow layout", lambda d: d.execute_script("return window.innerWidth") == 375)
        self.assertEqual(self.page.horizontal_overflow(), 0, "the goals view scrolls sideways at 375 px")
        self.page.go(f"#/goals/{self.seeded}")
        self.page.wait_css(".goal-review")
        self.page.wait_for("three plan nodes", lambda d: len(self.page.css("svg.step-graph .step-node")) == 3)
        self.assertEqual(self.page.horizontal_overflow(), 0, "a goal's page scrolls sideways at 375 px")
        self.shot("goal-375")


def hub_knows_autonomy():
    """Whether the binary under test has the hub's own initiative (`flotilla hub --autonomy`)."""
    from fleet import BINARY
    help_text = subprocess.run([BINARY, "hub", "--help"], capture_output=True, text=True).stdout
    return "--autonomy" in help_text


def autonomy_hub_args(directory):
    """A repository with a TODO for the initiative to find, scanned from the hub's start."""
    repo = git_repository(directory)
    with open(os.path.join(repo, "limits.py"), "w") as file:
        file.write("# TODO: limit the requests per client\n")
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "todo"], cwd=repo, check=True)
    return ["--autonomy", "--autonomy-repo", repo, "--autonomy-budget", "2"]


@unittest.skipUnless(hub_knows_autonomy(), "this build's hub has no --autonomy")
class AutonomyPanelTests(BrowserTestCase):
    fleet_agents = ()
    hub_args = staticmethod(autonomy_hub_args)

    def test_the_panel_shows_the_state_budget_and_decisions_and_the_proposed_goal_live(self):
        self.page.sign_in(self.fleet.tokens["viewer"])
        self.page.open("#/goals")
        self.page.wait_view("goals")
        panel = self.page.wait_css("#autonomy-panel .state")
        self.assertIn(panel.text.replace(" ", "_"), ("executing", "improving", "resting", "healing", "starting"))
        self.page.wait_for("the day budget", lambda d: "of $2.00 today" in self.page.css("#autonomy-panel")[0].text)
        # The TODO becomes a proposed goal (waiting for a person): the panel's decision and the
        # goal's row arrive through the event stream.
        proposed = wait_for("the proposed goal", lambda: [g for g in self.fleet.api.get("/api/goals")["goals"]
                                                          if (g.get("details") or {}).get("autonomy")], timeout=30)[0]
        self.page.wait_css(f"tr.goal-row[data-goal-id='{proposed['id']}'] .goal-proposed")
        self.page.wait_css("#autonomy-panel .autonomy-decision[data-decision='propose']")
        self.shot("goals-autonomy")
