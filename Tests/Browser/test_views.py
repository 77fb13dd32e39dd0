"""Every view opens without console errors, fits a 375 px wide phone without horizontal
scrolling, renders in dark mode; and its screenshot is taken (docs/dashboard.md shows them)."""

from base import BrowserTestCase
from fleet import unique, wait_for

from test_dashboard import shell

VIEWS = [  # (screenshot name, route, data-view)
    ("overview", "#/", "overview"),
    ("agents", "#/agents", "agents"),
    ("agent", "#/agents/web-tester", "agent"),  # runs the long task: live output
    ("tasks", "#/tasks", "tasks"),
    ("task", None, "task"),  # the route needs a task id: set in setUpClass
    ("submit", "#/submit", "submit"),
    ("graph", None, "graph"),
    ("events", "#/events", "events"),
    ("dead", "#/dead", "dead"),
    ("costs", "#/costs", "costs"),
]


class ViewTests(BrowserTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        api = cls.fleet.api
        # Something in every view: a chain that succeeds, a task that ends dead, one that runs.
        cls.chain = [unique("build"), unique("test"), unique("review")]
        api.post("/api/tasks", [
            {"id": cls.chain[0], "prompt": "Build the app", **shell("printf '\\033[1mcompiling\\033[0m\\n\\033[32mlinked\\033[0m\\n'")},
            {"id": cls.chain[1], "prompt": "Run the tests", "depends_on": [cls.chain[0]], **shell("echo 4 passed", role="testing")},
            {"id": cls.chain[2], "prompt": "Review the change", "depends_on": [cls.chain[1]], **shell("echo approved")},
        ])
        cls.dead = api.submit(id=unique("deploy"), prompt="Deploy to staging", max_attempts=1,
                              **shell("echo 'staging refused the deploy' >&2; exit 3"))["id"]
        wait_for("the chain succeeds", lambda: api.state(cls.chain[2]) == "succeeded", timeout=30)
        wait_for("the deploy is dead", lambda: api.state(cls.dead) == "dead", timeout=30)
        cls.running = api.submit(id=unique("long"), prompt="A long test run", **shell("for i in 1 2 3 4 5 6 7 8 9; do echo step $i; sleep 3; done", role="testing"))["id"]
        wait_for("the long task runs", lambda: api.state(cls.running) == "running", timeout=20)
        cls.routes = {name: route for name, route, _ in VIEWS}
        cls.routes["task"] = f"#/tasks/{cls.chain[0]}"
        cls.routes["graph"] = f"#/graph?task={cls.chain[2]}"
        cls.page.sign_in(cls.fleet.tokens["admin"])

    @classmethod
    def tearDownClass(cls):
        try:
            cls.fleet.api.post(f"/api/tasks/{cls.running}/cancel")
        finally:
            super().tearDownClass()

    def open_view(self, name, view):
        self.page.open(self.routes[name])
        root = self.page.wait_view(view)
        # A moment for data to arrive: wait until the view shows something beyond its skeleton.
        self.page.wait_for(f"the {name} view's content", lambda d: len(root.text.strip()) > 0)
        return root

    def test_every_view_in_light_mode(self):
        for name, _, view in VIEWS:
            with self.subTest(view=name):
                self.open_view(name, view)
                if name == "dead":
                    self.page.wait_css(f"[data-task-id='{self.dead}']")
                if name == "agent":
                    self.page.wait_for("the agent's live output", lambda d: any("step" in pane.text for pane in self.page.css(".output-pane")))
                if name == "graph":
                    self.page.wait_for("the graph's nodes", lambda d: len(self.page.css("g.node")) >= 3)
                self.shot(name)
        self.page.driver.delete_all_cookies()
        self.page.open("signin")
        self.page.wait_css("input[name=token]")
        self.shot("signin")
        self.page.sign_in(self.fleet.tokens["admin"])

    def test_dark_mode_renders_dark(self):
        self.open_view("overview", "overview")
        light = self.page.background_luminance()
        self.page.emulate(dark=True)
        self.page.wait_for("a dark background", lambda d: self.page.background_luminance() < 0.35)
        self.assertGreater(light, 0.6, "the light theme's background is not light")
        self.shot("overview-dark")
        self.open_view("tasks", "tasks")
        self.shot("tasks-dark")

    def test_every_view_fits_375_pixels(self):
        self.page.emulate(width=375)
        for name, _, view in VIEWS:
            with self.subTest(view=name):
                self.open_view(name, view)
                # 375 only when the page declares a device-width viewport (else a phone lays it out at 980).
                self.assertEqual(self.page.driver.execute_script("return window.innerWidth"), 375, "no device-width viewport")
                self.assertLessEqual(self.page.horizontal_overflow(), 0, f"{name} scrolls sideways at 375 px")
                if name in ("overview", "tasks", "task"):
                    self.shot(f"{name}-375")
