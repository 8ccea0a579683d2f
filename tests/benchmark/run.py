"""The benchmark of issue 6: page reruns, model functions, quick-entry saves, memory, browser, load;
and import files of every shape (tests/benchmark/imports.py).

    make bench                      # 1x, 10x, 100x on SQLite and PostgreSQL, browser and load at 100x
    .venv/bin/python -m tests.benchmark.run --scales 1 10 --databases sqlite --reps 5
    .venv/bin/python -m tests.benchmark.run --imports-only   # the import files alone, into the docs

Every (database, scale) is generated and measured in processes of their own, so the peak memory
is that of a process that serves the pages. Results: docs/performance.json and docs/performance.md.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import pkgutil
import platform
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from model import clock

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
LEADER, CONSULTANT = "leder", "konsulent"
TARGETS = {"page_ms": 300, "board_ms": 150, "save_ms": 50, "memory_mb": 500, "growth": 3.0}
FAST_PAGES = ("sprinttavle", "moedeskaerm")
# The bare aggregate each page cannot do without, measured beside the page (the floor).
FLOOR_SQL = {
    "overblik": "SELECT stage, count(*) FROM sprint_card WHERE sprint_id = :sprint GROUP BY stage",
    "sprinttavle": "SELECT c.id, c.stage, z.first_name, z.last_name FROM sprint_card c "
    "JOIN citizen z ON z.id = c.citizen_id WHERE c.sprint_id = :sprint",
    "moedeskaerm": "SELECT stage, count(*) FROM sprint_card WHERE sprint_id = :sprint GROUP BY stage",
    "hurtig_registrering": "SELECT id, first_name, last_name FROM citizen WHERE team_id = :team",
    "borgere": "SELECT id, first_name, last_name FROM citizen ORDER BY updated_at DESC LIMIT 50",
    "virksomheder": "SELECT industry, count(*) FROM company GROUP BY industry",
    "forloeb": "SELECT count(*) FROM follow_up WHERE done_at IS NULL AND due_date <= :today",
    "maal": "SELECT count(*) FROM placement WHERE start_date >= :quarter",
    "resultater": "SELECT kind, count(*) FROM placement WHERE start_date >= :year GROUP BY kind",
    "omraadeoverblik": "SELECT housing_area_id, benefit_type, count(*) FROM citizen "
    "GROUP BY housing_area_id, benefit_type",
    "partnerskaber": "SELECT payer_id, sum(hours_per_week) FROM placement "
    "WHERE kind = 'lommepengejob' GROUP BY payer_id",
    "data": "SELECT count(*) FROM citizen",
    "administration": "SELECT id, at, action FROM audit_log ORDER BY at DESC LIMIT 100",
    "persondata": "SELECT id, first_name, last_name FROM citizen ORDER BY last_name LIMIT 50",
}


def summary(samples: list[float], digits: int = 1) -> dict[str, float]:
    """Median and 90th percentile in milliseconds."""
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, digits),
        "p90_ms": round(p90 * 1000, digits),
        "n": len(ordered),
    }


class ModelClock:
    """Times every public function of model/ called from a page (outermost calls only)."""

    def __init__(self) -> None:
        self.local = threading.local()
        self.totals: dict[str, float] = {}

    def install(self) -> None:
        import model

        self.originals = []
        for info in pkgutil.iter_modules(model.__path__):
            module = importlib.import_module(f"model.{info.name}")
            for name, function in list(vars(module).items()):
                if (
                    inspect.isfunction(function)
                    and function.__module__ == module.__name__
                    and not name.startswith("_")
                ):
                    self.originals.append((module, name, function))
                    setattr(module, name, self._wrap(f"{info.name}.{name}", function))

    def uninstall(self) -> None:
        for module, name, function in self.originals:
            setattr(module, name, function)

    def _wrap(self, label: str, function):
        def timed(*args, **kwargs):
            depth = getattr(self.local, "depth", 0)
            self.local.depth = depth + 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.local.depth = depth
                if depth == 0:
                    self.totals[label] = self.totals.get(label, 0.0) + time.perf_counter() - started

        timed.__wrapped__ = function
        return timed

    @contextmanager
    def collect(self):
        self.totals = {}
        yield self


def signed_in_app(username: str, page: str | None):
    from streamlit.testing.v1 import AppTest

    from model.db import make_engine

    engine = make_engine()
    user_id = _user_id(engine, username)
    engine.dispose()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["user_id"] = user_id
    at.run()
    if page:
        at.switch_page(f"pages/{page}.py")
        at.run()
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception}")
    return at


def _user_id(engine, username: str) -> int:
    from sqlmodel import Session, select

    from model.tables import AppUser

    with Session(engine) as session:
        return session.exec(select(AppUser.id).where(AppUser.username == username)).one()


def rerun_times(at, reps: int, clock: ModelClock | None = None) -> tuple[list[float], dict[str, float]]:
    at.run()  # warm-up
    times, model_time = [], {}
    for _ in range(reps):
        with clock.collect() if clock else nullcontext():
            started = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - started)
        if at.exception:
            raise RuntimeError(str(at.exception))
        if clock:
            for label, seconds in clock.totals.items():
                model_time[label] = model_time.get(label, 0.0) + seconds / reps
    return times, model_time


def rerun_times_after_a_change(at, engine, reps: int) -> list[float]:
    """Reruns that each follow a change to the data (a new data stamp), so every cached
    aggregate is computed again: what the first click after a colleague's save costs."""
    from model import freshness

    times = []
    for _ in range(reps):
        with engine.begin() as connection:
            freshness.bump(connection)
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
    return times


def floor_sql(engine, reps: int) -> dict[str, dict]:
    from datetime import date, timedelta

    from sqlalchemy import text

    from model.tables import Sprint

    today = clock.today()
    with engine.connect() as conn:
        sprint = conn.execute(
            text(
                # The sprint the pages open on: the running one, else the next planned.
                f"SELECT id, team_id FROM {Sprint.__tablename__} "
                "WHERE status IN ('running', 'planned') ORDER BY start_date, id LIMIT 1"
            )
        ).first()
        params = {
            "sprint": sprint[0],
            "team": sprint[1],
            "today": today,
            "quarter": date(today.year, 3 * ((today.month - 1) // 3) + 1, 1),
            "year": today - timedelta(days=365),
        }
        result = {}
        for page, sql in FLOOR_SQL.items():
            statement = text(sql).bindparams(**{k: v for k, v in params.items() if f":{k}" in sql})
            conn.execute(statement).all()
            samples = []
            for _ in range(reps):
                started = time.perf_counter()
                conn.execute(statement).all()
                samples.append(time.perf_counter() - started)
            result[page] = summary(samples, digits=2)  # a bare query can take well under 1 ms
    return result


def quick_saves(engine, reps: int) -> dict[str, dict]:
    """Each quick-entry save (the model call behind the form), as the demo consultant."""
    from sqlmodel import Session, select

    from model import auth, companies, placements, sprints
    from model.tables import Company, SprintCard

    actor = auth.actor_for_user(engine, _user_id(engine, CONSULTANT))
    today = clock.today()
    with Session(engine) as session:
        company_ids = session.exec(select(Company.id).limit(reps)).all()
        citizen_ids = [
            c
            for (c,) in session.execute(
                select(SprintCard.citizen_id).where(
                    SprintCard.sprint_id == sprints.current_sprint_id(engine, actor)
                )
            )
        ]
    started_ids: list[int] = []
    sprint_id = sprints.current_sprint_id(engine, actor)
    board = sprints.board(engine, actor, sprint_id)
    saves = {
        "kontakt": lambda i: companies.log_contact(
            engine,
            actor,
            company_id=company_ids[i % len(company_ids)],
            channel="phone",
            citizen_id=citizen_ids[i % len(citizen_ids)],
        ),
        "forløb": lambda i: started_ids.append(
            placements.start_placement(
                engine,
                actor,
                citizen_id=citizen_ids[i % len(citizen_ids)],
                company_id=company_ids[i % len(company_ids)],
                kind="virksomhedspraktik",
                start_date=today,
            )
        ),
        "opfølgning": lambda i: placements.record_follow_up(engine, actor, placement_id=started_ids[i]),
    }
    cards = board[["card_id", "version", "stage"]].rename(columns={"card_id": "id"}).to_dict("records")
    result = {}
    for name, save in saves.items():
        samples = []
        for i in range(reps):
            started = time.perf_counter()
            save(i)
            samples.append(time.perf_counter() - started)
        result[name] = summary(samples)
    samples = []
    for i in range(reps):
        card = cards[i % len(cards)]
        target = "dialogue" if card["stage"] != "dialogue" else "clarified"
        started = time.perf_counter()
        card["version"] = sprints.move_card(
            engine, actor, card["id"], target, expected_version=card["version"]
        )
        samples.append(time.perf_counter() - started)
        card["stage"] = target
    result["flyt kort"] = summary(samples)
    return result


def measure(url: str, reps: int) -> dict:
    """Run in its own process: every page's rerun as a leader, the model time, floors, saves, memory."""
    os.environ["DATABASE_URL"] = url
    from streamlit.testing.v1 import AppTest

    from model import access
    from model.db import make_engine

    clock = ModelClock()
    clock.install()
    pages = {}
    engine = make_engine(url)
    try:
        with serving_like_a_server():
            for page in access.PAGES:
                at = signed_in_app(LEADER, page)
                times, model_time = rerun_times(at, reps, clock)
                top = sorted(model_time.items(), key=lambda item: -item[1])[:3]
                pages[page] = {
                    **summary(times),
                    "model_ms": round(sum(model_time.values()) * 1000, 1),
                    "top_model": {label: round(seconds * 1000, 1) for label, seconds in top},
                    "after_change": summary(rerun_times_after_a_change(at, engine, reps)),
                }
            empty = AppTest.from_string("import streamlit as st\nst.title('Tom side')")
            empty.run()
            times, _ = rerun_times(empty, reps)
    finally:
        clock.uninstall()
    result = {
        "pages": pages,
        "empty_page": summary(times),
        "floor_sql": floor_sql(engine, reps),
        "saves": quick_saves(engine, max(reps, 20)),
    }
    engine.dispose()
    result["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


@contextmanager
def serving_like_a_server():
    """Make AppTest reruns cost what a running server's reruns cost.

    A server compiles each page once (its script cache lives as long as the process) and takes
    Streamlit's legacy pages/ path only for a fresh process's first request. AppTest makes a new
    script cache and resets that legacy flag on every run, so it recompiles app.py and the page
    and runs the router twice each time; and CPython 3.11's compiler is not safe to call from
    many threads at once ("AST constructor recursion depth mismatch") under load.
    """
    from streamlit.runtime import pages_manager
    from streamlit.runtime.scriptrunner import script_cache
    from streamlit.testing.v1 import app_test

    class ServerLikePagesManager(pages_manager.PagesManager):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            pages_manager.PagesManager.uses_pages_directory = False

    app_test.PagesManager = ServerLikePagesManager

    original = script_cache.ScriptCache.get_bytecode
    compiled: dict[str, object] = {}
    lock = threading.Lock()

    def get_bytecode(self, script_path: str):
        with lock:
            if script_path not in compiled:
                compiled[script_path] = original(self, script_path)
            return compiled[script_path]

    script_cache.ScriptCache.get_bytecode = get_bytecode
    try:
        yield
    finally:
        app_test.PagesManager = pages_manager.PagesManager
        script_cache.ScriptCache.get_bytecode = original


# A person reads the board or fills in the form between two clicks: 2 to 8 seconds, at random.
THINK_SECONDS = (2.0, 8.0)


def load(url: str, sessions: int, seconds: float) -> dict:
    """Simultaneous sessions in one process, each rerunning the board or quick entry and saving a
    contact every third click: paced like people (THINK_SECONDS between clicks), and flat out
    (no pause at all), which shows what one server process can do."""
    os.environ["DATABASE_URL"] = url
    with serving_like_a_server():
        return {"paced": _load(url, sessions, seconds, THINK_SECONDS),
                "saturated": _load(url, sessions, seconds, None)}


def _load(url: str, sessions: int, seconds: float, think: tuple[float, float] | None) -> dict:
    from model import auth, companies
    from model.db import make_engine

    engine = make_engine(url)
    actor = auth.actor_for_user(engine, _user_id(engine, CONSULTANT))
    company_id = companies.company_choices(engine, actor)["id"].iloc[0]
    apps = [
        signed_in_app(CONSULTANT, "sprinttavle" if i % 2 else "hurtig_registrering") for i in range(sessions)
    ]
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def user(number: int) -> None:
        at = apps[number]
        pause = random.Random(number)
        count = 0
        if think:  # people do not all click at the same moment
            time.sleep(pause.uniform(0, think[1]))
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                at.run()
                if at.exception:
                    raise RuntimeError(str(at.exception))
                if count % 3 == 0:
                    companies.log_contact(engine, actor, company_id=int(company_id), channel="phone")
            except Exception as error:  # every error is a finding, reported below
                with lock:
                    errors.append(f"{type(error).__name__}: {error}")
            with lock:
                times.append(time.perf_counter() - started)
            count += 1
            if think:
                time.sleep(pause.uniform(*think))

    threads = [threading.Thread(target=user, args=(i,)) for i in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    return {
        "sessions": sessions,
        "seconds": seconds,
        "think_seconds": list(think) if think else None,
        "reruns_per_second": round(len(times) / seconds, 1),
        **summary(times),
        "errors": len(errors),
        "first_errors": errors[:3],
    }


def browser_times(url: str, passwords: dict[str, str]) -> dict:
    """Time from clicking each page in the sidebar to its finished render, in headless Chromium."""
    from playwright.sync_api import sync_playwright

    from model import access, i18n
    from tests.browser.conftest import BUSY, CHROMIUM, CHROMIUM_ARGS, IDLE, Server, submit_login, wait_ready

    titles = {
        "overblik": "nav.overview",
        "sprinttavle": "nav.board",
        "moedeskaerm": "nav.screen",
        "hurtig_registrering": "nav.quick",
        "borgere": "nav.citizens",
        "virksomheder": "nav.companies",
        "forloeb": "nav.placements",
        "data": "nav.data",
        "maal": "nav.goals",
        "resultater": "nav.results",
        "omraadeoverblik": "nav.areas",
        "partnerskaber": "nav.partnerships",
        "administration": "nav.administration",
        "persondata": "nav.personal_data",
    }
    server = Server(Path(tempfile.mkdtemp(prefix="jobtavlen-bench-")), env={"DATABASE_URL": url})
    result = {}
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = chromium.new_page(viewport={"width": 1600, "height": 1000})
            page.set_default_timeout(120_000)
            page.goto(server.url)
            wait_ready(page)
            submit_login(page, LEADER, passwords[LEADER])
            for key in access.PAGES:
                if key not in titles:
                    continue
                link = page.locator('[data-testid="stSidebarNav"]').get_by_role(
                    "link", name=i18n.t(titles[key]), exact=True
                )
                started = time.perf_counter()
                link.click()
                # Finished: the script stopped and nothing is stale, for 300 ms on end.
                done, quiet_since = None, None
                while time.perf_counter() - started < 120:
                    idle = page.locator(IDLE).count() and not page.locator(BUSY).count()
                    now = time.perf_counter()
                    if idle:
                        quiet_since = quiet_since or now
                        if now - quiet_since >= 0.3:
                            done = quiet_since - started
                            break
                    else:
                        quiet_since = None
                    page.wait_for_timeout(20)
                result[key] = {"render_ms": round(done * 1000, 1) if done is not None else None}
            chromium.close()
    finally:
        server.stop()
    return result


@contextmanager
def database(kind: str, workdir: Path, scale: int):
    if kind == "sqlite":
        yield f"sqlite:///{workdir / f'bench-{scale}.db'}"
        return
    from sqlalchemy import text

    from model.db import make_engine
    from tests import pg_cluster

    with pg_cluster.cluster(durable=True) as base:
        admin = make_engine(f"{base}/postgres")
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'CREATE DATABASE "bench_{scale}"'))
        admin.dispose()
        yield f"{base}/bench_{scale}"


def child(command: str, **kwargs) -> dict:
    """Run one step in a fresh Python process and return its JSON."""
    out = Path(tempfile.mkstemp(suffix=".json")[1])
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.benchmark.run",
            "--child",
            command,
            "--child-args",
            json.dumps(kwargs),
            "--child-out",
            str(out),
        ],
        cwd=ROOT,
        check=True,
    )
    return json.loads(out.read_text())


def run_child(command: str, args: dict, out: Path) -> None:
    os.environ["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] = "full"  # a failure in the run names its cause
    if command == "generate":
        from tests.benchmark.generate import build

        counts, seconds = build(args["url"], args["scale"])
        result = {"seconds": round(seconds, 1), "passwords": counts.pop("_passwords"), "rows": counts}
    elif command == "measure":
        result = measure(args["url"], args["reps"])
    elif command == "load":
        result = load(args["url"], args["sessions"], args["seconds"])
    elif command == "browser":
        result = browser_times(args["url"], args["passwords"])
    elif command == "import_case":
        from tests.benchmark.imports import measure_case

        result = measure_case(args["path"], args["filename"], args["kind"])
    elif command == "import_page_switches":
        from tests.benchmark.imports import page_switches

        result = page_switches(args["url"], args["files"])
    else:
        raise SystemExit(f"unknown step {command}")
    out.write_text(json.dumps(result, default=str))


def verdicts(results: dict) -> list[str]:
    """Which targets of issue 6 are met, one line each."""
    lines = []
    for kind, scales in results["runs"].items():
        top = scales.get("100") or scales[max(scales, key=int)]
        base = scales.get("1")
        for page, numbers in top["measure"]["pages"].items():
            limit = TARGETS["board_ms"] if page in FAST_PAGES else TARGETS["page_ms"]
            if numbers["median_ms"] > limit:
                lines.append(f"{kind}: {page} median {numbers['median_ms']} ms > {limit} ms")
            if (
                base
                and numbers["median_ms"] > TARGETS["growth"] * base["measure"]["pages"][page]["median_ms"]
            ):
                lines.append(f"{kind}: {page} is more than {TARGETS['growth']}x slower than at 1x")
        for save, numbers in top["measure"]["saves"].items():
            if numbers["median_ms"] > TARGETS["save_ms"]:
                lines.append(
                    f"{kind}: save '{save}' median {numbers['median_ms']} ms > {TARGETS['save_ms']} ms"
                )
        if top["measure"]["peak_memory_mb"] > TARGETS["memory_mb"]:
            lines.append(
                f"{kind}: peak memory {top['measure']['peak_memory_mb']} MB > {TARGETS['memory_mb']} MB"
            )
        for name, numbers in top.get("load", {}).items():
            if numbers.get("errors"):
                lines.append(f"{kind}: {numbers['errors']} errors under load ({name})")
    if "imports" in results:
        from tests.benchmark import imports

        lines += imports.verdicts(results["imports"]["cases"], results["imports"].get("page_switches"))
    return lines


def spread(numbers: dict) -> str:
    return f"{numbers['median_ms']} / {numbers['p90_ms']}"


def markdown(results: dict) -> str:
    out = [
        "# Performance",
        "",
        "Written by `make bench` (`tests/benchmark/run.py`); do not edit by hand. Targets (issue 6): every "
        "page's rerun median at most 300 ms at 100x, the board and the meeting screen at most 150 ms, a "
        "quick-entry save at most 50 ms, peak memory at most 500 MB, and no page more than 3 times slower "
        "at 100x than at 1x.",
        "",
        f"Run {results['started']} on {results['machine']}; {results['reps']} timed reruns per page after "
        "one warm-up, signed in as a leader (AppTest). *Model* is the time spent in model/ functions "
        "during one rerun; *floor* is the bare SQL aggregate the page needs, and an empty Streamlit "
        "page's rerun is given beside it. Aggregates are cached until the data changes "
        "(model/freshness.py); *after a change* is a rerun that follows a change to the data, "
        "when every cached aggregate is computed again (the first click after a colleague's save).",
        "",
    ]
    for kind, scales in results["runs"].items():
        ordered = sorted(scales, key=int)
        out += [
            f"## {kind}",
            "",
            "Rows: "
            + "; ".join(
                f"{s}x: {scales[s]['citizens']:,} citizens, {scales[s]['placements']:,} placements, "
                f"{scales[s]['follow_ups_and_contacts']:,} follow-ups and contacts "
                f"(generated in {scales[s]['generate_seconds']} s)"
                for s in ordered
            ),
            "",
        ]
        out += [
            "| Page | "
            + " | ".join(f"{s}x median / p90 (ms)" for s in ordered)
            + f" | {ordered[-1]}x after a change (ms) | Model at largest (ms) "
            "| Floor SQL at largest (ms) |",
            "|---|" + "---|" * (len(ordered) + 3),
        ]
        largest = scales[ordered[-1]]["measure"]
        for page in largest["pages"]:
            cells = [
                f"{scales[s]['measure']['pages'][page]['median_ms']} / "
                f"{scales[s]['measure']['pages'][page]['p90_ms']}"
                for s in ordered
            ]
            floor = largest["floor_sql"].get(page, {}).get("median_ms", "")
            changed = largest["pages"][page].get("after_change")
            out.append(
                f"| {page} | " + " | ".join(cells)
                + f" | {spread(changed) if changed else ''} | {largest['pages'][page]['model_ms']}"
                f" | {floor} |"
            )
        out.append(
            "| *empty Streamlit page* | "
            + " | ".join(spread(scales[s]["measure"]["empty_page"]) for s in ordered)
            + " | | | |"
        )
        out += [
            "",
            "Quick-entry saves (model call behind the form, as a consultant), median / p90 ms:",
            "",
            "| Save | " + " | ".join(f"{s}x" for s in ordered) + " |",
            "|---|" + "---|" * len(ordered),
        ]
        for save in largest["saves"]:
            out.append(
                f"| {save} | "
                + " | ".join(spread(scales[s]["measure"]["saves"][save]) for s in ordered)
                + " |"
            )
        out += [
            "",
            "Peak memory of the measuring process (MB): "
            + "; ".join(f"{s}x: {scales[s]['measure']['peak_memory_mb']}" for s in ordered),
            "",
        ]
        top = scales[ordered[-1]]
        if "browser" in top:
            out += [
                f"Browser (headless Chromium, {ordered[-1]}x): time from clicking the page in the sidebar to "
                "its finished render, ms:",
                "",
                "| Page | Render (ms) |",
                "|---|---|",
            ]
            out += [f"| {page} | {numbers['render_ms']} |" for page, numbers in top["browser"].items()]
            out.append("")
        if "load" in top:
            first = next(iter(top["load"].values()))
            out += [
                f"Load ({ordered[-1]}x): {first['sessions']} simultaneous sessions for {first['seconds']} s "
                "in one server process, half on the board and half on quick entry, saving a contact "
                "every third click:",
                "",
                "| Sessions | Pause between clicks | Rerun median / p90 (ms) | Reruns per second | Errors |",
                "|---|---|---|---|---|",
            ]
            for name, numbers in top["load"].items():
                pause = (f"{numbers['think_seconds'][0]:g}-{numbers['think_seconds'][1]:g} s"
                         if numbers.get("think_seconds") else "none (flat out)")
                out.append(f"| {name} | {pause} | {spread(numbers)} | "
                           f"{numbers.get('reruns_per_second', '')} | {numbers['errors']} |")
            out.append("")
    if "imports" in results:
        from tests.benchmark import imports

        out += imports.markdown(results["imports"]["cases"], results["imports"]["started"],
                                results["imports"].get("page_switches"))
    failed = verdicts(results)
    out += ["## Targets", ""] + ([f"- Not met: {line}" for line in failed] or ["- Every target is met."])
    return "\n".join(out) + "\n"


def measure_imports(names: list[str] | None = None) -> dict:
    from tests.benchmark import imports

    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")  # noqa: TID251
    load = os.getloadavg()[0]  # other work on the machine slows every figure
    cases = imports.run_cases(child, names)
    return {"started": f"{started} on {platform.machine()}, {os.cpu_count()} cores, load average "
                       f"{load:.1f} at the start and {os.getloadavg()[0]:.1f} at the end of the files",
            "cases": cases, "page_switches": imports.run_page_switches(child, cases)}


def imports_only(out: Path, names: list[str] | None) -> None:
    """The import files alone, put beside the last full run's figures in `out`."""
    from tests.benchmark import imports

    measured = measure_imports(names)
    print("\n".join(imports.markdown(measured["cases"], measured["started"], measured["page_switches"])))
    if names:
        return  # a quick look at some files is not written down
    saved = out / "performance.json"
    results = json.loads(saved.read_text())
    results["imports"] = measured
    saved.write_text(json.dumps(results, indent=1, default=str))
    (out / "performance.md").write_text(markdown(results))


def main() -> None:
    parser = argparse.ArgumentParser(description="Jobtavlen benchmark (issue 6)")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--load-seconds", type=float, default=60)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--imports-only", action="store_true",
                        help="measure the import files alone and add them to the results in --out")
    parser.add_argument("--import-cases", nargs="+", help="only these import files (a quick look)")
    parser.add_argument("--out", type=Path, default=DOCS)
    parser.add_argument("--child")
    parser.add_argument("--child-args")
    parser.add_argument("--child-out", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # no bare-mode warnings per call
    # A stopped run (kill, Ctrl-C) unwinds, so the throwaway PostgreSQL cluster is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("[bench] stopped"))
    if args.child:
        run_child(args.child, json.loads(args.child_args), args.child_out)
        return
    if args.imports_only:
        imports_only(args.out, args.import_cases)
        return
    results = {
        # When the benchmark really ran, not the app's (settable) date.
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),  # noqa: TID251
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "reps": args.reps,
        "runs": {},
    }
    workdir = Path(tempfile.mkdtemp(prefix="jobtavlen-bench-"))
    for kind in args.databases:
        results["runs"][kind] = {}
        for scale in args.scales:
            with database(kind, workdir, scale) as url:
                print(f"[bench] {kind} {scale}x: generating", flush=True)
                generated = child("generate", url=url, scale=scale)
                rows = generated["rows"]
                run = {
                    "generate_seconds": generated["seconds"],
                    "citizens": rows.get("citizen", 0),
                    "placements": rows.get("placement", 0),
                    "follow_ups_and_contacts": rows.get("follow_up", 0) + rows.get("contact", 0),
                }
                print(f"[bench] {kind} {scale}x: measuring", flush=True)
                run["measure"] = child("measure", url=url, reps=args.reps)
                if scale == max(args.scales):
                    if not args.no_browser and Path("/usr/bin/chromium").exists():
                        print(f"[bench] {kind} {scale}x: browser", flush=True)
                        run["browser"] = child("browser", url=url, passwords=generated["passwords"])
                    if not args.no_load:
                        print(f"[bench] {kind} {scale}x: load", flush=True)
                        run["load"] = child(
                            "load", url=url, sessions=args.sessions, seconds=args.load_seconds
                        )
                results["runs"][kind][str(scale)] = run
    results["imports"] = measure_imports(args.import_cases)
    args.out.mkdir(exist_ok=True)
    (args.out / "performance.json").write_text(json.dumps(results, indent=1, default=str))
    (args.out / "performance.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
