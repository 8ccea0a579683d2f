"""Two app processes behind nginx on one PostgreSQL database (model/serving.py and the tested
docs/deploy/nginx.conf): every request of a signed-in browser goes to one process and browsers are
spread over both, a session made through the login route is good in either process, and a move
saved through one process shows on a board served by the other without a click."""

from __future__ import annotations

import http.client
import re
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from model import serving, sessions
from tests import demo_week
from tests.browser.conftest import LOGIN_LINE, free_port, on_a_week_day, open_page, wait_ready
from tests.browser.test_live_board import (
    DIALOGUE,
    SECURED,
    WITHIN,
    column,
    move_first,
    seconds_until_visible,
)
from tests.conftest import _create_database

pytestmark = pytest.mark.calendar

if serving.nginx_binary() is None:
    pytest.skip("Debian's nginx is not installed (apt-get install nginx)", allow_module_level=True)
# (Without PostgreSQL's server binaries the postgres_cluster fixture skips, with its reason.)

AGENT = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36 jobtavlen-test/"
# One line of docs/deploy/nginx.conf's access log: the request, the browser, the process.
LOG_LINE = re.compile(r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ '
                      r'"(?P<agent>[^"]*)" upstream=(?P<upstream>\S+)')


@pytest.fixture(scope="module")
def printed() -> list[str]:
    """What `serve` printed on its way up: on the empty database, the demo's logins."""
    return []


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, postgres_cluster, printed):
    """`serve` with two processes on an empty database it prepares (the demo), on a day of the
    demo's week."""
    run_dir = tmp_path_factory.mktemp("several_processes")
    with on_a_week_day(), pytest.MonkeyPatch.context() as patch:
        for name, value in {"JOBTAVLEN_DEMO": "1", "JOBTAVLEN_LANG": "da",
                            "JOBTAVLEN_CLIENT_ADDRESS_HEADER": "X-Real-IP",
                            "JOBTAVLEN_ERASURE_DIR": str(run_dir / "erasures")}.items():
            patch.setenv(name, value)
        _create_database(postgres_cluster, "several_processes")
        ports = set()
        while len(ports) < 3:
            ports.add(free_port())
        port, *app_ports = ports
        with serving.running(database_url=f"{postgres_cluster}/several_processes", processes=2,
                             port=port, app_ports=app_ports, run_dir=run_dir,
                             out=printed.append) as running:
            yield running


@pytest.fixture(scope="module")
def passwords(deployment, printed) -> dict[str, str]:
    """The demo's logins: {username: password}."""
    return dict(LOGIN_LINE.findall("\n".join(printed)))


def login_cookie(url: str, username: str, password: str, agent: str) -> str:
    """Sign in through the login route, as the browser's form does; the session cookie's value."""
    reply = request(url, "/konto/login", method="POST", agent=agent,
                    body=urlencode({"username": username, "password": password, "next": "/"}))
    assert reply.status == 303, reply.status
    return SimpleCookie(reply.getheader("Set-Cookie"))[sessions.COOKIE].value


def request(url: str, path: str, *, method: str = "GET", token: str | None = None,
            agent: str = AGENT + "probe", body: str | None = None) -> http.client.HTTPResponse:
    """One request, redirects not followed."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"User-Agent": agent}
    if token:
        headers["Cookie"] = f"{sessions.COOKIE}={token}"
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    reply = connection.getresponse()
    reply.read()
    connection.close()
    return reply


def served(log: Path, agent: str) -> list[tuple[str, str]]:
    """(path, process) of every request the browser `agent` made, as nginx logged it."""
    return [(m["path"], m["upstream"]) for m in map(LOG_LINE.search, log.read_text().splitlines())
            if m and m["agent"] == agent]


def logged(log: Path, agent: str, until: str, timeout: float = 10) -> list[tuple[str, str]]:
    """served(log, agent) once a request to a path starting with `until` is among them (nginx
    logs a request when it ends: a websocket when it closes)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = served(log, agent)
        if any(path.startswith(until) for path, _ in lines):
            return lines
        assert time.monotonic() < deadline, f"no {until} of {agent} in the log: {lines}"
        time.sleep(0.05)


def process_of(deployment, token: str) -> str:
    """The process nginx sends requests with this session cookie to (a health check, logged)."""
    agent = f"{AGENT}probe-{token[:8]}"
    request(deployment.url, "/_stcore/health", token=token, agent=agent)
    return logged(deployment.access_log, agent, "/_stcore/health")[0][1]


@pytest.fixture(scope="module")
def spread(deployment, passwords) -> dict[str, tuple[str, str]]:
    """A consultant's and a leader's session on different processes: {username: (token, process)}.
    Which process a cookie goes to is fixed by its hash, so the leader signs in until they differ."""
    token = login_cookie(deployment.url, "konsulent", passwords["konsulent"], AGENT + "login")
    found = {"konsulent": (token, process_of(deployment, token))}
    for _attempt in range(12):  # each 1 in 2 on the other process
        token = login_cookie(deployment.url, "leder", passwords["leder"], AGENT + "login")
        if (process := process_of(deployment, token)) != found["konsulent"][1]:
            found["leder"] = (token, process)
            return found
    raise AssertionError("twelve sessions of the leader all went to the consultant's process")


@pytest.fixture
def open_browser(browser, deployment):
    """open(token, agent) -> a page of a new browser (its own cookies) signed in with `token`."""
    contexts = []

    def open_signed_in(token: str, agent: str):
        context = browser.new_context(viewport={"width": 1600, "height": 2400}, locale="da-DK",
                                      user_agent=agent)
        context.add_cookies([{"name": sessions.COOKIE, "value": token, "url": deployment.url,
                              "httpOnly": True, "sameSite": "Strict"}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(deployment.url)
        page.locator('[data-testid="stSidebarNav"]').wait_for()
        wait_ready(page)
        return page

    yield open_signed_in
    for context in contexts:
        context.close()


def test_a_session_made_through_the_login_route_is_good_in_both_processes(deployment, passwords):
    token = login_cookie(deployment.url, "konsulent", passwords["konsulent"], AGENT + "shared")
    made_by = logged(deployment.access_log, AGENT + "shared", "/konto/login")[-1][1]
    print(f"\nsession made by the process on {made_by}")
    for app in deployment.apps:
        # Straight to each process, past nginx: the app page, not the login.
        assert request(app.url, "/", token=token).status == 200, app.url
        refused = request(app.url, "/")
        assert (refused.status, refused.getheader("Location")) == (303, "/konto/login?next=%2F")


def test_a_browser_stays_with_one_process_and_browsers_are_spread_over_both(
        deployment, spread, open_browser):
    agents = {name: f"{AGENT}sticky-{name}" for name in spread}
    for name, (token, _) in spread.items():
        page = open_browser(token, agents[name])
        open_page(page, "Sprinttavle")
        page.context.close()  # nginx logs a websocket when it closes

    for name, (_, process) in spread.items():
        lines = logged(deployment.access_log, agents[name], "/_stcore/stream")
        # The page, its scripts, the health checks and the websocket: all to the one process.
        assert len(lines) > 5, lines
        assert {upstream for _, upstream in lines} == {process}, (name, lines)
    assert {process for _, process in spread.values()} \
        == {f"127.0.0.1:{app.port}" for app in deployment.apps}
    print(f"\nkonsulent on {spread['konsulent'][1]}, leder on {spread['leder'][1]}")


def test_a_move_saved_in_one_process_shows_on_a_board_served_by_the_other(
        deployment, spread, open_browser):
    with demo_week.engine_of(deployment.env["DATABASE_URL"]) as engine:
        demo_week.dialogue_card(engine)
        secured = demo_week.stage_counts(engine)["secured"]
    watcher = open_browser(spread["konsulent"][0], AGENT + "watcher")
    mover = open_browser(spread["leder"][0], AGENT + "mover")
    for page in (watcher, mover):
        open_page(page, "Sprinttavle")
    expect(column(watcher, SECURED, secured)).to_be_visible()

    move_first(mover, DIALOGUE, SECURED)
    delay = seconds_until_visible(column(watcher, SECURED, secured + 1), limit=WITHIN)
    print(f"\nthe leader's move (process {spread['leder'][1]}) shown on the consultant's board "
          f"(process {spread['konsulent'][1]}) after {delay:.2f} s")
    # The board the consultant watched was drawn by the other process all along.
    assert {upstream for _, upstream in served(deployment.access_log, AGENT + "watcher")} \
        == {spread["konsulent"][1]}
