"""A real Streamlit server per test module and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from model import clock
from tests.conftest import week_day

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "browser" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
LOGIN_LINE = re.compile(r"JOBTAVLEN-LOGIN (\S+) (\S+)")

if not Path(CHROMIUM).exists():
    pytest.skip("Debian chromium is not installed (apt-get install chromium)",
                allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A fresh `streamlit run app.py` on an empty SQLite database of its own."""

    def __init__(self, tmp: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / "server.log"
        self.db_path = tmp / "app.db"
        self._environment = {**os.environ, "DATABASE_URL": f"sqlite:///{self.db_path}",
                             "JOBTAVLEN_LANG": "da", **(env or {})}
        self.database_url = self._environment["DATABASE_URL"]
        self._log = open(self.log_path, "w")
        self._start()

    def _start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port),
             # Source edits during a run must not reset sessions ("File change. Rerun").
             "--server.fileWatcherType", "none", "--server.runOnSave", "false"],
            cwd=ROOT, env=self._environment, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"streamlit did not start:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text()

    def passwords(self, timeout: float = 30) -> dict[str, str]:
        """The demo logins the server printed on first start."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = dict(LOGIN_LINE.findall(self.log()))
            if "skaerm" in found:
                return found
            time.sleep(0.2)
        raise AssertionError(f"no demo logins printed:\n{self.log()}")

    def citizen_names(self) -> list[str]:
        """Every citizen's full name ("First Last") in the database this server uses."""
        from sqlmodel import Session, select

        from model.db import make_engine
        from model.tables import Citizen

        engine = make_engine(self.database_url)
        try:
            with Session(engine) as session:
                rows = session.exec(select(Citizen.first_name, Citizen.last_name)).all()
        finally:
            engine.dispose()
        return [f"{first} {last}" for first, last in rows]

    def restart(self) -> None:
        """A new server process on the same port and database (a deployment, a reboot)."""
        self._end_process()
        self._start()

    def _end_process(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def stop(self) -> None:
        self._end_process()
        self._log.close()


@contextmanager
def on_a_week_day() -> Iterator[None]:
    """For a module whose test needs the demo's week running: on a weekend, the app's today (of the
    servers it starts and of the test's own model calls) is the Monday that week starts."""
    with pytest.MonkeyPatch.context() as patch:
        if week_day() != clock.today():
            patch.setenv(clock.SETTING, week_day().isoformat())
        yield


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A fresh server process on an empty database, shared by one test module."""
    srv = Server(tmp_path_factory.mktemp("server"))
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="da-DK")
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        # Keep what the browser showed, for the failure report.
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"FAILED-{request.node.name}.png"
        try:
            pg.screenshot(path=str(shot))
            print(f"\nscreenshot of the failure: {shot}")
        except Exception as error:  # the page may be gone already
            print(f"\nno screenshot of the failure: {error}")
        for value in request.node.funcargs.values():
            # Duck-typed: test modules import this file again as tests.browser.conftest.
            if callable(getattr(value, "log", None)) and hasattr(value, "log_path"):
                print(f"\n--- {value.log_path} (end) ---\n{value.log()[-4000:]}")
    context.close()


IDLE = ('[data-testid="stApp"][data-test-script-state="notRunning"]'
        '[data-test-connection-state="CONNECTED"]')
BUSY = '[data-testid="stStatusWidget"], [data-stale="true"]'
LOGIN_FORM = 'form[action^="/konto/login"]'


def wait_ready(page, quiet_ms: int = 500, timeout_ms: int = 30_000) -> None:
    """Wait until Streamlit has drawn the app and finished running the script.

    The app reports its script state on stApp ("initial" before the first run, then
    "running"/"notRunning"); a run that was only just requested may not show yet, so the
    app must stay idle (no status widget, no stale element) for `quiet_ms` on end.
    """
    page.wait_for_selector(f'[data-testid="stApp"], {LOGIN_FORM}')
    if page.locator(LOGIN_FORM).count():
        return  # the login route's own page: no script runs there
    deadline = time.monotonic() + timeout_ms / 1000
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        if not page.locator(IDLE).count() or page.locator(BUSY).count():
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_ms / 1000:
            return
        page.wait_for_timeout(100)
    raise AssertionError("Streamlit was still running the script after "
                         f"{timeout_ms / 1000:.0f} s")


def submit_login(page, username: str, password: str) -> None:
    """Fill and submit the login form already shown on the page, and wait for the app."""
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    # Signed in when the form is gone (the meeting screen has no sidebar, and no figures when no
    # sprint runs today).
    page.get_by_role("button", name="Log ind").wait_for(state="detached")
    wait_ready(page)


def login(page, url: str, username: str, password: str) -> None:
    page.goto(url)
    wait_ready(page)
    submit_login(page, username, password)


def sign_in(page, server: Server, username: str) -> None:
    """Open the app (sent to the login page first) and log in as a demo account."""
    page.goto(server.url)
    wait_ready(page)
    page.get_by_text("Log ind på Jobtavlen").wait_for()
    submit_login(page, username, server.passwords()[username])


def open_page(page, name: str) -> None:
    """Navigate with the sidebar link, as a user does (a goto reloads the whole app)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name, exact=True).click()
    wait_ready(page)


def screenshot(page, name: str, full_page: bool = False) -> Path:
    """Streamlit scrolls inside its own container: set a tall viewport instead of full_page."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def copy_to_docs(path: Path, name: str) -> None:
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    shutil.copy(path, docs / name)
