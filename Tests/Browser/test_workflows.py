"""The workflow pages (issue 23 item 5) in a real Chromium against a real hub with real shell
agents: a workflow registered through the API shows in the list with its triggers and inputs;
a run started from the page (the hub's 422 shown beside the input first) is watched on the run
page as its steps turn succeeded live, with a skipped step's reason on its node and in the side
panel; a running run is cancelled from the page; the workflow page draws the static graph, the
source and the runs; a step's task links back to its run; a viewer gets no buttons."""

import os
import shutil

from base import BrowserTestCase
from fleet import ROOT, unique, wait_for

# The 422 the page provokes on purpose shows in the console as a failed load.
REFUSED_RUN = r"status of 422"

PIPELINE = """\
name: {name}
description: Build, test three shards and review in parallel, deploy only when asked; roll back if the deploy fails.
inputs:
  branch: {{type: string, default: main, description: the branch to build}}
  replicas: {{type: number, required: true}}
  deploy: {{type: boolean, default: false}}
  break_deploy: {{type: boolean, default: false}}
on:
  webhook: {{github: [push]}}
  schedule: "0 3 * * *"
steps:
  build:
    type: code.generate
    role: general
    payload: {{command: "echo building ${{{{ inputs.branch }}}}; sleep 1.5; echo built"}}
  test:
    type: testing.run
    role: testing
    needs: build
    matrix: {{shard: [1, 2, 3]}}
    payload: {{command: "echo shard ${{{{ matrix.shard }}}} passed"}}
  review:
    type: code.generate
    role: general
    needs: build
    payload: {{command: "echo approved x${{{{ inputs.replicas }}}}"}}
  deploy:
    type: code.generate
    role: general
    needs: [test, review]
    if: inputs.deploy
    on_failure: [rollback]
    max_attempts: 1
    payload: {{command: "${{{{ inputs.break_deploy && 'echo the cluster refused >&2; exit 3' || 'echo deploying' }}}}"}}
  rollback:
    type: code.generate
    role: general
    payload: {{command: "echo rolling back"}}
  report:
    type: code.generate
    role: general
    needs: [test, review, deploy]
    if: always()
    payload: {{command: "echo report written"}}
"""

SLOW = """\
name: {name}
description: One long step, to cancel.
steps:
  wait:
    type: testing.run
    role: testing
    payload: {{command: "echo waiting; sleep 60"}}
  after:
    type: code.generate
    role: general
    needs: wait
    payload: {{command: "echo never"}}
"""

# Every step skipped by its condition: a run that ends at once, without a task (for paging).
INSTANT = """\
name: {name}
inputs:
  go: {{type: boolean, default: false}}
steps:
  only: {{type: code.generate, if: inputs.go, payload: {{command: "echo no"}}}}
"""


def node(step, status=None):
    return f"[data-view='run'] g.step-node[data-step-id='{step}']" + (f"[data-status='{status}']" if status else "")


class WorkflowTests(BrowserTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        api = cls.fleet.api
        cls.pipeline = unique("pipeline")
        cls.slow = unique("slow")
        cls.instant = unique("instant")
        for name, text in ((cls.pipeline, PIPELINE), (cls.slow, SLOW), (cls.instant, INSTANT)):
            answer = api.post("/api/workflows", {"source": text.format(name=name), "file": f"{name}.yaml"})
            assert answer["created"] is True, answer
        cls.page.sign_in(cls.fleet.tokens["submitter"])

    def run_record(self, run_id):
        return self.fleet.api.get(f"/api/workflow-runs/{run_id}")

    def start_from_the_list(self):
        """Opens the list, starts a run of the pipeline from its form; returns the run id."""
        self.page.open("#/workflows")
        self.page.wait_view("workflows")
        card = self.page.wait_css(f"[data-workflow='{self.pipeline}']")
        card.find_element("css selector", "[data-action='run-workflow']").click()
        self.page.wait_css(f"[data-workflow='{self.pipeline}'] form.run-form")
        runs_before = len(self.fleet.api.get(f"/api/workflows/{self.pipeline}/runs")["runs"])
        # No replicas (required): the hub refuses, and says so beside the input.
        self.allowed_console.append(REFUSED_RUN)
        self.page.wait_css(f"[data-workflow='{self.pipeline}'] [data-action='start-run']").click()
        error = self.page.wait_for("the hub's refusal beside 'replicas'",
                                   lambda d: next((e for e in self.page.css("[data-error-for='replicas']") if e.text.strip()), None))
        self.assertIn("replicas", error.text)
        self.assertEqual(self.page.css("[data-workflow] input[name='replicas']")[0].get_attribute("aria-invalid"), "true")
        self.assertEqual(len(self.fleet.api.get(f"/api/workflows/{self.pipeline}/runs")["runs"]), runs_before, "a refused run was started")
        self.page.css("[data-workflow] input[name='replicas']")[0].send_keys("2")
        self.page.css("[data-workflow] input[name='branch']")[0].send_keys("feature/x")
        self.page.css(f"[data-workflow='{self.pipeline}'] [data-action='start-run']")[0].click()
        root = self.page.wait_view("run")
        return root.get_attribute("data-run-id")

    def test_list_shows_triggers_inputs_and_last_runs_and_a_run_started_there_goes_live(self):
        run_id = self.start_from_the_list()
        self.assertIn(f"#/runs/{run_id}", self.page.driver.current_url)
        record = self.run_record(run_id)
        self.assertEqual(record["inputs"], {"branch": "feature/x", "replicas": 2, "deploy": False, "break_deploy": False})
        # The page is not reloaded while the run goes on: this mark survives only in this page.
        self.page.driver.execute_script("window.__sameRunPage = true")
        # build sleeps 1.5 s: the page shows it before it succeeded, then turns it green live.
        self.page.wait_css(f"{node('build')}:not([data-status='succeeded'])", timeout=10)
        for step in ("build", "review", "test", "report"):
            self.page.wait_css(node(step, "succeeded"), timeout=40)
        skipped = self.page.wait_css(node("deploy", "skipped"), timeout=10)
        self.assertIn("condition false", skipped.text)
        self.page.wait_css(node("rollback", "skipped"))
        self.page.wait_css(f"[data-view='run'][data-status='succeeded']", timeout=20)
        self.assertTrue(self.page.driver.execute_script("return window.__sameRunPage === true"), "the run page was reloaded")
        # The matrix step shows its three instances, each succeeded.
        self.page.wait_for("three succeeded instances", lambda d: len(self.page.css(f"{node('test')} rect.instance[data-state='succeeded']")) == 3)
        # A click on the skipped step opens the side panel with the condition and the reason.
        skipped.click()
        panel = self.page.wait_css(".step-panel[data-step-id='deploy']")
        self.assertIn("condition false: inputs.deploy", panel.text)
        self.assertIn("inputs.deploy", panel.find_element("css selector", ".step-condition").text)
        self.assertIn("step=deploy", self.page.driver.current_url)
        # A finished step: its task links to the task page, and its output is shown.
        self.page.wait_css(node("review")).click()
        panel = self.page.wait_css(".step-panel[data-step-id='review']")
        link = panel.find_element("css selector", ".step-task a.task-id")
        self.page.wait_for("the review's output", lambda d: "approved x2" in panel.find_element("css selector", ".output-pane").text, timeout=15)
        self.shot("run")
        # The task page says which step of which run it is, and links back.
        task_id = link.text
        link.click()
        self.page.wait_view("task")
        back = self.page.wait_css(f".task-step-of a[data-run-link='{run_id}']")
        self.assertIn("review", self.page.wait_css(".task-step-of").text)
        back.click()
        self.page.wait_css(node("review", "succeeded"))
        self.assertTrue(task_id)
        # The list now shows the run as the last one, with a link.
        self.page.go("#/workflows")
        card = self.page.wait_css(f"[data-workflow='{self.pipeline}']")
        self.page.wait_css(f"[data-workflow='{self.pipeline}'] .workflow-last-run a[data-run-id='{run_id}']")
        self.assertIn("webhook", card.text)
        self.assertIn(f"/hooks/github/{self.pipeline}", card.text)
        self.assertIn("schedule", card.text)
        self.assertIn("replicas", card.text)
        self.shot("workflows")

    def tearDown(self):
        # A test that failed half-way must not leave a long step holding the testing agent.
        for run in self.fleet.api.get("/api/workflow-runs?status=running")["runs"]:
            try:
                self.fleet.api.post(f"/api/workflow-runs/{run['id']}/cancel", {"reason": "test over"})
            except Exception:
                pass  # it ended meanwhile
        super().tearDown()

    def test_a_failed_step_turns_red_and_its_rollback_runs(self):
        run = self.fleet.api.post(f"/api/workflows/{self.pipeline}/runs", {"inputs": {"replicas": 1, "deploy": True, "break_deploy": True}})
        self.page.open(f"#/runs/{run['id']}")
        self.page.wait_view("run")
        self.page.wait_css(node("deploy", "failed"), timeout=40)
        self.page.wait_css(node("rollback", "succeeded"), timeout=20)
        self.page.wait_css(node("report", "succeeded"), timeout=20)
        self.page.wait_css("[data-view='run'][data-status='failed']", timeout=20)
        # By keyboard: focus the step and press Enter.
        from selenium.webdriver.common.keys import Keys
        target = self.page.wait_css(node("deploy"))
        self.page.driver.execute_script("arguments[0].focus()", target)
        target.send_keys(Keys.ENTER)
        panel = self.page.wait_css(".step-panel[data-step-id='deploy']")
        self.page.wait_for("the deploy's error output", lambda d: "the cluster refused" in panel.find_element("css selector", ".output-pane").text, timeout=15)
        self.assertEqual(panel.find_element("css selector", ".step-task").get_attribute("data-state"), "dead")
        self.shot("run-failed")

    def test_cancel_a_running_run_from_its_page(self):
        run = self.fleet.api.post(f"/api/workflows/{self.slow}/runs", {"inputs": {}})
        self.page.open(f"#/runs/{run['id']}")
        self.page.wait_view("run")
        self.page.wait_css(node("wait", "running"), timeout=20)
        self.page.wait_css("[data-action='cancel-run']").click()
        self.page.wait_css("[data-view='run'][data-status='cancelled']", timeout=20)
        self.page.wait_css(node("wait", "cancelled"), timeout=10)
        self.page.wait_css(node("after", "skipped"), timeout=10)
        self.page.wait_gone("[data-action='cancel-run']")
        record = self.run_record(run["id"])
        self.assertEqual(record["status"], "cancelled")
        task = record["steps"][0]["tasks"][0]["id"]
        wait_for("the step's task is cancelled", lambda: self.fleet.api.state(task) == "cancelled")
        # Rerun starts a new run of the same workflow and opens it.
        self.page.wait_css("[data-action='rerun']").click()
        # Read in the page: the old view's element goes away as the new one mounts.
        new_id = self.page.wait_for("the new run's page", lambda d: d.execute_script(
            "const id = document.querySelector(\"[data-view='run']\")?.dataset.runId; return id && id !== arguments[0] ? id : null", run["id"]))
        self.assertEqual(self.run_record(new_id)["rerun_of"], run["id"])
        self.page.wait_css(node("wait", "running"), timeout=20)
        self.fleet.api.post(f"/api/workflow-runs/{new_id}/cancel", {"reason": "test over"})
        self.page.wait_css("[data-view='run'][data-status='cancelled']", timeout=20)

    def test_workflow_page_draws_the_graph_the_source_and_the_runs(self):
        runs = [self.fleet.api.post(f"/api/workflows/{self.pipeline}/runs", {"inputs": {"replicas": 1}})["id"] for _ in range(2)]
        for run_id in runs:
            wait_for("the run ends", lambda: self.run_record(run_id)["status"] != "running", timeout=60)
        self.page.open(f"#/workflows/{self.pipeline}")
        root = self.page.wait_view("workflow")
        self.page.wait_for("six step nodes", lambda d: len(self.page.css("[data-view='workflow'] g.step-node")) == 6)
        # needs solid, on_failure dashed (deploy → rollback).
        self.assertEqual(len(self.page.css("path.edge-failure[data-from='deploy'][data-to='rollback']")), 1)
        self.assertEqual(len(self.page.css("path.edge-needs[data-from='build'][data-to='test']")), 1)
        source = self.page.wait_css(".workflow-source")
        self.assertIn("on_failure: [rollback]", source.text)
        self.assertIn("${{ inputs.branch }}", source.text)
        for run_id in runs:
            self.page.wait_css(f"tr.run-row[data-run-id='{run_id}']")
        # Filter by status: only the runs in that status (as the API has them), or "No … runs".
        from selenium.webdriver.support.ui import Select
        for status in ("cancelled", "failed", "succeeded"):
            Select(root.find_element("css selector", "select[name='status']")).select_by_value(status)
            expected = {r["id"] for r in self.fleet.api.get(f"/api/workflows/{self.pipeline}/runs?status={status}&limit=20")["runs"]}
            shown = lambda d: set(d.execute_script("return [...document.querySelectorAll('tr.run-row')].map((r) => r.dataset.runId)"))
            self.page.wait_for(f"the {status} runs", lambda d: shown(d) == expected and (expected or f"No {status} runs" in root.text))
        self.assertIn(runs[0], expected)
        self.shot("workflow")

    def test_workflow_runs_page_by_twenty_and_new_runs_appear_live(self):
        runs = [self.fleet.api.post(f"/api/workflows/{self.instant}/runs", {})["id"] for _ in range(22)]
        wait_for("the runs end", lambda: all(r["status"] == "succeeded" for r in self.fleet.api.get(f"/api/workflows/{self.instant}/runs?limit=50")["runs"]))
        self.page.open(f"#/workflows/{self.instant}")
        self.page.wait_view("workflow")
        # Newest first, 20 a page: the newest 20 here, the 2 oldest on the next page.
        self.page.wait_css(f"tr.run-row[data-run-id='{runs[-1]}']")
        self.assertEqual(len(self.page.css("tr.run-row")), 20)
        self.page.driver.execute_script("window.__sameWorkflowPage = true")
        self.page.wait_css("[data-action='older']:not([disabled])").click()
        self.page.wait_css(f"tr.run-row[data-run-id='{runs[0]}']")
        self.page.wait_for("the two oldest runs", lambda d: sorted(d.execute_script(
            "return [...document.querySelectorAll('tr.run-row')].map((r) => r.dataset.runId)")) == sorted(runs[:2]))
        self.page.wait_css("[data-action='newer']:not([disabled])").click()
        self.page.wait_css(f"tr.run-row[data-run-id='{runs[-1]}']")
        # A run started elsewhere appears on the newest page, without a reload.
        fresh = self.fleet.api.post(f"/api/workflows/{self.instant}/runs", {})["id"]
        self.page.wait_css(f"tr.run-row[data-run-id='{fresh}']", timeout=10)
        self.assertTrue(self.page.driver.execute_script("return window.__sameWorkflowPage === true"), "the workflow page was reloaded")

    def test_a_viewer_sees_workflows_and_runs_but_no_buttons(self):
        run = self.fleet.api.post(f"/api/workflows/{self.pipeline}/runs", {"inputs": {"replicas": 1}})
        try:
            self.page.sign_in(self.fleet.tokens["viewer"])
            self.page.open("#/workflows")
            self.page.wait_css(f"[data-workflow='{self.pipeline}']")
            self.page.wait_css("#nav a[href='#/workflows']")
            self.assertEqual(self.page.css("[data-action='run-workflow']"), [])
            self.page.go(f"#/runs/{run['id']}")
            self.page.wait_css(node("build"))
            self.page.wait_css("[data-view='run'][data-status]")
            self.assertEqual(self.page.css("[data-action='cancel-run']") + self.page.css("[data-action='rerun']"), [])
        finally:
            self.page.sign_in(self.fleet.tokens["submitter"])

    def test_the_workflow_views_fit_375_pixels(self):
        run = self.fleet.api.post(f"/api/workflows/{self.pipeline}/runs", {"inputs": {"replicas": 3}})
        self.page.emulate(width=375)
        for route, view in (("#/workflows", "workflows"), (f"#/workflows/{self.pipeline}", "workflow"), (f"#/runs/{run['id']}", "run")):
            with self.subTest(view=view):
                self.page.open(route)
                root = self.page.wait_view(view)
                self.page.wait_for(f"the {view} view's content", lambda d: len(root.text.strip()) > 0)
                self.page.wait_for(f"the {view} view to fit", lambda d: self.page.horizontal_overflow() <= 0, timeout=5)
        self.shot("run-375")


class OpenCTOTests(BrowserTestCase):
    """The shipped OpenCTO deployment flow (examples/workflows/opencto-deploy.yaml) with its
    example shell agents (examples/workflows/agents/*.sh), one per role, watched on the run page."""

    fleet_agents = (("ex-review", ["review"]), ("ex-testing", ["testing"]), ("ex-security", ["security"]),
                    ("ex-deploy", ["deployment"]), ("ex-monitor", ["monitoring"]), ("ex-general", ["general"]))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        examples = os.path.join(ROOT, "examples", "workflows")
        # Each step's command is `sh agents/<step>.sh` in the agent's working directory.
        for agent in cls.fleet.agents:
            shutil.copytree(os.path.join(examples, "agents"), os.path.join(agent.workdir, "agents"), dirs_exist_ok=True)
        with open(os.path.join(examples, "opencto-deploy.yaml")) as file:
            cls.fleet.api.post("/api/workflows", {"source": file.read(), "file": "opencto-deploy.yaml"})
        cls.page.sign_in(cls.fleet.tokens["submitter"])

    def test_a_failing_deploy_rolls_back_on_the_run_page(self):
        run = self.fleet.api.post("/api/workflows/opencto-deploy/runs", {"inputs": {"fail": "fail:deploy"}})
        self.page.open(f"#/runs/{run['id']}")
        self.page.wait_view("run")
        # Review, test and security in parallel, then deploy (which fails), then the rollback.
        for step in ("review", "test", "security"):
            self.page.wait_css(node(step, "succeeded"), timeout=60)
        self.page.wait_css(node("deploy", "failed"), timeout=30)
        self.page.wait_css(node("rollback", "succeeded"), timeout=30)
        self.assertIn("needed step 'deploy' failed", self.page.wait_css(node("monitor", "skipped")).text)
        self.page.wait_css("[data-view='run'][data-status='failed']", timeout=20)
        self.page.wait_css(node("rollback")).click()
        panel = self.page.wait_css(".step-panel[data-step-id='rollback']")
        self.assertIn("runs when a step it handles fails", panel.text)
        self.assertIn("Handles\ndeploy\nmonitor", panel.text)
        self.page.wait_for("the rollback's output", lambda d: "[rollback]" in panel.find_element("css selector", ".output-pane").text, timeout=15)
        self.shot("run-opencto")
