"""A real headless Chromium (Debian's `chromium` and `chromium-driver`) driven by Selenium, with
the helpers every browser test uses: sign-in, waiting on conditions with a deadline, console
errors, colour scheme and viewport emulation, screenshots."""

import os
import re
import shutil

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def start_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    # The page's console (errors included) for the no-console-errors check.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(20)
    return driver


class Page:
    """One browser on one hub."""

    def __init__(self, driver, base_url):
        self.driver = driver
        self.base_url = base_url

    # -- navigation and sign-in --

    def open(self, hash_route):
        """Goes to a dashboard route (`#/tasks`) and waits for the view's root element."""
        self.driver.get(self.base_url + "/" + hash_route)

    def go(self, hash_route):
        """Changes the hash without reloading the page (client-side routing)."""
        self.driver.execute_script("window.location.hash = arguments[0]", hash_route)

    def sign_in(self, token):
        """Signs in through the sign-in page's form, as a person would."""
        self.driver.delete_all_cookies()
        self.driver.get(self.base_url + "/signin")
        self.wait_css("input[name=token]").send_keys(token)
        self.wait_css("form [type=submit]").click()
        self.wait_for("the dashboard after sign-in", lambda d: "/signin" not in d.current_url and self.session() is not None)

    def sign_in_with_link(self, path):
        self.driver.delete_all_cookies()
        self.driver.get(self.base_url + path)
        self.wait_for("the dashboard after the one-time link", lambda d: "/signin" not in d.current_url and self.session() is not None)

    def session(self):
        """The `/auth/session` document of the browser's cookie, or None."""
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('/auth/session', {credentials: 'same-origin'})"
            ".then(r => r.ok ? r.json() : null).then(done, () => done(null));")

    def fetch(self, method, path, headers=None, body=None):
        """A request from the page with its cookie: returns {status, text}."""
        return self.driver.execute_async_script(
            "const [method, path, headers, body, done] = arguments;"
            "fetch(path, {method, headers, body, credentials: 'same-origin'})"
            ".then(async r => done({status: r.status, text: await r.text()}), e => done({status: 0, text: String(e)}));",
            method, path, headers or {}, body)

    # -- waiting --

    def wait_for(self, what, condition, timeout=10):
        try:
            # An element a live page redrew between finding it and reading it is "not yet".
            return WebDriverWait(self.driver, timeout, poll_frequency=0.05,
                                 ignored_exceptions=[StaleElementReferenceException]).until(condition)
        except TimeoutException:
            raise AssertionError(f"timed out after {timeout}s waiting for {what} (at {self.driver.current_url})") from None

    def wait_css(self, selector, timeout=10):
        return self.wait_for(f"'{selector}'", lambda d: _first_displayed(d, selector), timeout)

    def wait_gone(self, selector, timeout=10):
        self.wait_for(f"'{selector}' to go", lambda d: not d.find_elements(By.CSS_SELECTOR, selector), timeout)

    def wait_view(self, name, timeout=10):
        return self.wait_css(f"[data-view='{name}']", timeout)

    def css(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def accept_confirm(self):
        """Accepts a `confirm()` dialog if the page asked one."""
        try:
            self.driver.switch_to.alert.accept()
        except NoAlertPresentException:
            pass

    # -- console, viewport, colour scheme, screenshots --

    def console_errors(self, allowed=()):
        """SEVERE console entries since the last call, except those matching an `allowed` pattern."""
        entries = self.driver.get_log("browser")
        return [entry["message"] for entry in entries
                if entry["level"] == "SEVERE" and not any(re.search(pattern, entry["message"]) for pattern in allowed)]

    def emulate(self, width=None, dark=None):
        if width is None:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        else:
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                        {"width": width, "height": 812, "deviceScaleFactor": 1, "mobile": True})
        scheme = "dark" if dark else "light"
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                    {"features": [{"name": "prefers-color-scheme", "value": scheme}]})

    def offline(self, offline):
        """Cuts (or restores) the page's network, as a dropped connection would."""
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                                    {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})

    def horizontal_overflow(self):
        """How many CSS pixels the body is wider than the viewport (0 = none)."""
        return self.driver.execute_script(
            "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth;")

    def background_luminance(self):
        """The body's background luminance, 0 (black) to 1 (white)."""
        return self.driver.execute_script(
            "let el = document.body, c;"
            "while (el) { c = getComputedStyle(el).backgroundColor;"
            "  if (c && !/rgba\\(0, 0, 0, 0\\)|transparent/.test(c)) break; el = el.parentElement; }"
            "if (!el) c = getComputedStyle(document.documentElement).backgroundColor;"
            "const [r, g, b] = (c.match(/[\\d.]+/g) || [255, 255, 255]).map(Number);"
            "return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;")

    def screenshot(self, directory, name):
        if directory:
            os.makedirs(directory, exist_ok=True)
            self.driver.save_screenshot(os.path.join(directory, name + ".png"))


def _first_displayed(driver, selector):
    for element in driver.find_elements(By.CSS_SELECTOR, selector):
        if element.is_displayed():
            return element
    return False
