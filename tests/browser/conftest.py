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
from pathlib import Path

import pytest

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
        environment = {**os.environ, "DATABASE_URL": f"sqlite:///{self.db_path}",
                       "JOBTAVLEN_LANG": "da", **(env or {})}
        self.database_url = environment["DATABASE_URL"]
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port)],
            cwd=ROOT, env=environment, stdout=self._log, stderr=subprocess.STDOUT)
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

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


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


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="da-DK")
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def wait_ready(page) -> None:
    """Wait until Streamlit has drawn the app and finished running the script."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=30_000)
    page.wait_for_timeout(200)


def submit_login(page, username: str, password: str) -> None:
    """Fill and submit the login form already shown on the page, and wait for the app."""
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_selector('[data-testid="stSidebarNav"], [data-testid="stMetric"]')
    wait_ready(page)


def login(page, url: str, username: str, password: str) -> None:
    page.goto(url)
    wait_ready(page)
    submit_login(page, username, password)


def sign_in(page, server: Server, username: str) -> None:
    """Open the app (the first page load fills the demo) and log in as a demo account."""
    page.goto(server.url)
    wait_ready(page)
    page.get_by_text("Log ind på Jobtavlen").wait_for()
    submit_login(page, username, server.passwords()[username])


def open_page(page, name: str) -> None:
    """Navigate with the sidebar link (a goto would start a new session and lose the login)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name).click()
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
