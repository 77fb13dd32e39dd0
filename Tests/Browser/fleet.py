"""A real hub and real shell agents for the browser tests: `flotilla hub` and `flotilla agent`
processes of the binary under test (FLOTILLA_BIN, else .build/debug/flotilla), a temporary data
directory, tokens minted through the API. Nothing here is a fake."""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("FLOTILLA_BIN") or os.path.join(ROOT, ".build", "debug", "flotilla")


class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


def wait_for(what, condition, timeout=20.0, interval=0.05):
    """Polls `condition` until it returns a truthy value (returned) or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as error:  # the condition's own failures count as "not yet"
            last_error = error
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}" + (f" (last error: {last_error})" if last_error else ""))


class Api:
    """The hub's HTTP API with one bearer token."""

    def __init__(self, base_url, token):
        self.base_url = base_url
        self.token = token

    def call(self, method, path, body=None, timeout=10):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                text = response.read().decode()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            raise ApiError(error.code, error.read().decode()) from None

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body=None):
        return self.call("POST", path, {} if body is None else body)

    def submit(self, **task):
        return self.post("/api/tasks", task)

    def task(self, task_id):
        return self.get(f"/api/tasks/{task_id}")

    def state(self, task_id):
        return self.task(task_id)["state"]

    def mint(self, name, scope, **extra):
        return self.post("/api/tokens", {"name": name, "scope": scope, **extra})["token"]

    def link(self):
        """A one-time sign-in link path (`/auth/link?code=…`) for this token."""
        return self.post("/api/dashboard/links", {})["path"]


class Hub:
    """`flotilla hub` on a free port with its own data directory; stop() and start() again keep
    the directory and the port (the restart test)."""

    def __init__(self, directory, args=()):
        self.directory = directory
        self.args = list(args)  # more `flotilla hub` options, e.g. ["--notifications", FILE]
        self.data_dir = os.path.join(directory, "hub")
        self.port = 0
        self.process = None
        self.log_path = os.path.join(directory, "hub.log")

    def start(self):
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [BINARY, "hub", "--port", str(self.port), "--data-dir", self.data_dir, "--retry-base-seconds", "0.2", "--tick-ms", "50", *self.args],
            stdout=subprocess.PIPE, stderr=log, text=True, env=clean_environment(),
        )
        # The hub prints its admin token (first start only) and then "listening on URL".
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError(f"the hub exited before listening: {self.log()}")
            match = re.search(r"listening on (http://127\.0\.0\.1:(\d+))", line)
            if match:
                self.base_url, self.port = match.group(1), int(match.group(2))
                break
        else:
            raise AssertionError("the hub did not say it listens within 30 s")
        # Keep reading its standard output so it never blocks on a full pipe.
        self._drain = subprocess.Popen(["cat"], stdin=self.process.stdout, stdout=subprocess.DEVNULL)
        with open(os.path.join(self.data_dir, "admin.token")) as file:
            self.admin = Api(self.base_url, file.read().strip())
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=20)
            self._drain.wait(timeout=5)

    def log(self):
        with open(self.log_path) as file:
            return file.read()[-4000:]


class Agent:
    """A `flotilla agent` process with the shell executor and a token bound to its id."""

    def __init__(self, hub, agent_id, roles):
        self.hub, self.agent_id, self.roles = hub, agent_id, roles
        self.workdir = os.path.join(hub.directory, "agents", agent_id)
        os.makedirs(self.workdir, exist_ok=True)
        self.log_path = os.path.join(hub.directory, f"{agent_id}.log")
        token = hub.admin.mint(f"browser:{agent_id}", "agent", agent_id=agent_id)
        token_file = os.path.join(hub.directory, f"{agent_id}.token")
        with open(os.open(token_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as file:
            file.write(token + "\n")
        self.process = subprocess.Popen(
            [BINARY, "agent", "--hub", hub.base_url, "--token-file", token_file, "--agent-id", agent_id,
             "--role", ",".join(roles), "--executor", "shell", "--workdir", self.workdir, "--drain-grace-seconds", "1"],
            stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT, env=clean_environment(),
        )

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Fleet:
    """A hub, its agents and the viewer / submitter / admin tokens the tests sign in with."""

    def __init__(self, agents=(("web-dev", ["general", "development"]), ("web-tester", ["testing"])), hub_args=None):
        self.directory = tempfile.mkdtemp(prefix="flotilla-browser-")
        # hub_args(directory) → more `flotilla hub` options (files it names can go in the directory).
        self.hub = Hub(self.directory, hub_args(self.directory) if hub_args else ()).start()
        self.agents = [Agent(self.hub, agent_id, roles) for agent_id, roles in agents]
        admin = self.hub.admin
        self.tokens = {
            "admin": admin.token,
            "submitter": admin.mint("browser-submitter", "submitter"),
            "viewer": admin.mint("browser-viewer", "viewer"),
        }
        wait_for("the agents connect", lambda: self.online_agents() == len(self.agents), timeout=30)

    @property
    def base_url(self):
        return self.hub.base_url

    @property
    def api(self):
        return self.hub.admin

    def api_as(self, scope):
        return Api(self.base_url, self.tokens[scope])

    def online_agents(self):
        return sum(1 for agent in self.api.get("/api/agents")["agents"] if agent["state"] != "offline")

    def close(self):
        for agent in self.agents:
            agent.stop()
        self.hub.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def clean_environment():
    """The caller's environment without FLOTILLA_* settings (they would point elsewhere)."""
    return {key: value for key, value in os.environ.items() if not key.startswith("FLOTILLA_")}


def unique(prefix):
    return f"{prefix}-{os.urandom(4).hex()}"
