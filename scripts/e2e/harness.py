"""The pieces every check uses: the tally of results, a headless Chromium
with its console and network logs, and the ways to reach a built site
(file:// or a local HTTP server started from a command line)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import traceback
import urllib.parse
from contextlib import contextmanager


class Tally:
    """Counts checks; prints each failure as it happens and a summary line at the end."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []
        self.section = ""

    def check(self, name, ok, detail=""):
        label = f"{self.section}: {name}" if self.section else name
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            self.failures.append(label)
            print(f"FAIL {label}" + (f"\n     {detail}" if detail else ""), flush=True)
        return ok

    @contextmanager
    def case(self, name):
        """A block that counts as one failed check if it raises."""
        try:
            yield
        except Exception as error:  # a broken page must not stop the other checks
            self.check(name, False, f"{type(error).__name__}: {error}\n" + traceback.format_exc(limit=3))

    def summary(self):
        return f"{self.passed} passed, {self.failed} failed"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Headless Chromium through chromedriver (Debian's `chromium` and
    `chromium-driver`), with the browser console and the network events of
    the page recorded, so every page can be checked for errors and for
    requests that leave the site."""

    def __init__(self, width=1280, height=900, mobile=False):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        options = webdriver.ChromeOptions()
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if binary:
            options.binary_location = binary
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--metrics-recording-only", "--no-default-browser-check",
                         f"--window-size={width},{height}", "--lang=ja-JP", "--force-device-scale-factor=1"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
        driver_path = shutil.which("chromedriver")
        service = Service(executable_path=driver_path) if driver_path else Service()
        self.driver = webdriver.Chrome(options=options, service=service)
        self.driver.set_page_load_timeout(60)
        self.driver.set_script_timeout(60)
        self.width, self.height = width, height
        # The viewport exactly width × height (the window's own frame would take some).
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def close(self):
        try:
            self.driver.quit()
        except Exception:
            pass

    def get(self, url):
        self.drain()
        self.driver.get(url)
        self.wait_ready()

    def wait_ready(self, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            if self.driver.execute_script("return document.readyState") == "complete":
                return
            time.sleep(0.05)
        raise TimeoutError("the page did not finish loading")

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def wait(self, predicate, timeout=10, what="a condition"):
        end = time.time() + timeout
        while time.time() < end:
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        raise TimeoutError(f"timed out waiting for {what}")

    def media(self, media="", scheme=None):
        features = [{"name": "prefers-color-scheme", "value": scheme}] if scheme else []
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media, "features": features})

    def drain(self):
        """Forgets the logs so far."""
        self.driver.get_log("browser")
        self.driver.get_log("performance")

    def logs(self):
        """(console messages, network events) since the last drain."""
        console = self.driver.get_log("browser")
        network = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method", "").startswith("Network."):
                network.append(message)
        return console, network


def site_url(base, path):
    """`path` (relative to the site root, maybe with ?query or #hash) under `base`."""
    return base + urllib.parse.quote(path, safe="/?=&#%")


class Server:
    """A local HTTP server over the site, started from a command line with
    `{port}`, `{out}` and `{site}` in it; stopped with its process group."""

    def __init__(self, command, port, cwd, label, timeout=180):
        self.label = label
        self.port = port
        self.base = f"http://127.0.0.1:{port}/"
        self.log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"e2e-server-{port}.log"), "w+")
        self.process = subprocess.Popen(command, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        end = time.time() + timeout
        while time.time() < end:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"the server exited ({self.process.returncode}): {self.log.read()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"the server did not listen on port {port} within {timeout} s")

    def stop(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, 15)
                self.process.wait(timeout=10)
            except Exception:
                os.killpg(self.process.pid, 9)
        self.log.close()


def supports_serve(binary):
    """Whether `postmortem` has a `serve` subcommand (its help lists it)."""
    try:
        text = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return any(line.split()[:1] == ["serve"] for line in text.splitlines())


def log(message):
    print(message, flush=True)
    sys.stdout.flush()
