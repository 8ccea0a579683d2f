"""`python -m model serve`: several Streamlit processes of app.py behind nginx, on one PostgreSQL.

The database is prepared once (migrations, the first admin or the demo), then N processes start
on consecutive ports of 127.0.0.1 and nginx (Debian's package, as a user-owned instance in a run
folder of its own) proxies one public port to them, sticky by the browser's session cookie
(docs/deploy/nginx.conf, docs/deploy.md). A process that dies after it has run a while is started
again; Ctrl-C or SIGTERM stops nginx, then the processes.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from model.db import make_engine
from model.setup import prepare

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "docs" / "deploy" / "nginx.conf"
FIRST_APP_PORT = 8501
STARTUP_SECONDS = 60
# A process that dies sooner than this after its start is broken, not unlucky: no restart.
RESTART_AFTER_SECONDS = 30
STOP_SECONDS = 10
# Debian puts nginx in /usr/sbin, which a user's PATH often lacks.
NGINX_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])


class ServeError(Exception):
    """What stops `serve` from starting or running, worded for the person who runs it."""


def nginx_binary() -> str | None:
    """The nginx program (Debian: apt-get install nginx), or None."""
    return shutil.which("nginx", path=NGINX_PATH)


def require_postgresql(database_url: str) -> None:
    """Several processes share one database server; the embedded SQLite file is for `make run`."""
    if make_url(database_url).get_backend_name() != "postgresql":
        raise ServeError("several processes need PostgreSQL: set DATABASE_URL="
                         "postgresql+psycopg://USER:PASSWORD@HOST/DATABASE (the embedded SQLite "
                         "database serves one process: make run)")


def nginx_config(*, listen: str, app_ports: list[int], template: Path = TEMPLATE) -> str:
    """The nginx template (docs/deploy/nginx.conf) with the public address and one upstream server
    per process filled in."""
    text = template.read_text()
    if text.count("@LISTEN@") != 1 or text.count("@SERVERS@") != 1:
        raise ServeError(f"{template} must hold @LISTEN@ and @SERVERS@ once each")
    servers = "\n".join(f"        server 127.0.0.1:{port};" for port in app_ports)
    return text.replace("@LISTEN@", listen).replace("@SERVERS@", servers)


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        # As the servers bind: a port that only has connections closing (TIME_WAIT) is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def healthy(url: str) -> bool:
    # Asked on this machine only whether it is up: nginx's certificate names the public host.
    context = ssl._create_unverified_context() if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2, context=context) as reply:
            return reply.status == 200
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


@dataclass
class AppProcess:
    """One `streamlit run app.py` on its own port, its output in streamlit-PORT.log."""

    port: int
    log_path: Path
    process: subprocess.Popen | None = None
    started_at: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, env: dict[str, str]) -> None:
        with open(self.log_path, "a") as log:
            # A session of its own: Ctrl-C in the terminal reaches `serve`, which stops all in order.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py",
                 "--server.port", str(self.port), "--server.address", "127.0.0.1",
                 "--server.headless", "true",
                 # The code a process started with serves its sessions; restart to deploy.
                 "--server.fileWatcherType", "none"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        self.started_at = time.monotonic()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)


@dataclass
class Deployment:
    """nginx on `port` in front of the app processes; everything they write is in `run_dir`."""

    port: int
    run_dir: Path
    apps: list[AppProcess]
    env: dict[str, str]
    program: str
    template: Path = TEMPLATE
    host: str = "127.0.0.1"
    nginx: subprocess.Popen | None = None
    scheme: str = "http"
    out: Callable[[str], None] = print

    @property
    def url(self) -> str:
        local = self.host if self.host not in ("", "0.0.0.0") else "127.0.0.1"
        return f"{self.scheme}://{local}:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.run_dir / "access.log"

    @property
    def error_log(self) -> Path:
        return self.run_dir / "nginx-error.log"

    def start(self) -> None:
        for app in self.apps:
            app.start(self.env)
        for app in self.apps:
            self._wait_healthy(app.url, app.running, app.log_path)
        config = self.run_dir / "nginx.conf"
        listen = f"{self.host}:{self.port}" if self.host else str(self.port)
        text = nginx_config(listen=listen, app_ports=[app.port for app in self.apps],
                            template=self.template)
        config.write_text(text)
        if re.search(r"^\s*listen\s[^;#]*\bssl\b", text, re.MULTILINE):
            self.scheme = "https"  # TLS terminated in nginx (a template with `listen ... ssl`)
        (self.run_dir / "temp").mkdir(exist_ok=True)
        if os.geteuid() == 0:
            # nginx started as root runs its workers as `nobody`: they must reach temp/ for uploads.
            self.run_dir.chmod(0o711)
        self.nginx = subprocess.Popen(
            [self.program, "-p", f"{self.run_dir}/", "-c", str(config), "-e", str(self.error_log)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        self._wait_healthy(self.url, lambda: self.nginx.poll() is None, self.error_log)

    def _wait_healthy(self, url: str, alive: Callable[[], bool], log: Path) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and alive():
            if healthy(url):
                return
            time.sleep(0.2)
        raise ServeError(f"{url} did not start; the end of {log}:\n{_tail(log)}")

    def keep_running(self) -> None:
        """Start again an app process that died after it had run a while; raise ServeError when
        one dies right after its start or nginx stops."""
        for app in self.apps:
            if app.running():
                continue
            if time.monotonic() - app.started_at < RESTART_AFTER_SECONDS:
                raise ServeError(f"{app.url} stopped soon after it started; the end of "
                                 f"{app.log_path}:\n{_tail(app.log_path)}")
            self.out(f"Jobtavlen: the process on port {app.port} stopped; starting it again")
            app.start(self.env)
        if self.nginx is not None and self.nginx.poll() is not None:
            raise ServeError(f"nginx stopped; the end of {self.error_log}:\n{_tail(self.error_log)}")

    def stop(self) -> None:
        """nginx first (no new requests), then the app processes."""
        if self.nginx is not None:
            _stop(self.nginx)
        for app in self.apps:
            app.stop()


@contextmanager
def running(*, database_url: str, processes: int = 2, port: int = 8080,
            app_ports: list[int] | None = None, host: str = "127.0.0.1",
            run_dir: Path | None = None, env: dict[str, str] | None = None,
            template: Path = TEMPLATE, out: Callable[[str], None] = print) -> Iterator[Deployment]:
    """Prepare the PostgreSQL database once, start the processes and nginx, yield them running,
    stop them on the way out. `app_ports` default to consecutive ports from 8501."""
    require_postgresql(database_url)
    if processes < 1:
        raise ServeError("--processes must be at least 1")
    ports = app_ports or list(range(FIRST_APP_PORT, FIRST_APP_PORT + processes))
    if len(ports) != processes:
        raise ServeError(f"{processes} processes need {processes} ports, not {len(ports)}")
    wanted = [(port, host or "0.0.0.0"), *((app_port, "127.0.0.1") for app_port in ports)]
    if busy := [str(p) for p, address in wanted if not port_is_free(p, address)]:
        raise ServeError(f"port(s) in use: {', '.join(busy)}")
    program = nginx_binary()
    if program is None:
        raise ServeError("nginx is not installed: apt-get install nginx")
    environment = {**os.environ, **(env or {}), "DATABASE_URL": database_url}
    # Once, before the processes start, so they do not race each other on migrations.
    engine = make_engine(database_url)
    try:
        prepare(engine, out=out)
    finally:
        engine.dispose()
    folder = run_dir or Path(tempfile.mkdtemp(prefix="jobtavlen-serve-"))
    folder.mkdir(parents=True, exist_ok=True)
    deployment = Deployment(port=port, run_dir=folder, env=environment, program=program,
                            template=template, host=host, out=out,
                            apps=[AppProcess(p, folder / f"streamlit-{p}.log") for p in ports])
    try:
        deployment.start()
        yield deployment
    finally:
        deployment.stop()


def _stop_on_signal(_signum, _frame) -> None:
    # Once: a second Ctrl-C must not cut the stopping short and leave processes behind.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_IGN)
    raise KeyboardInterrupt


def serve(*, database_url: str, processes: int, port: int, first_app_port: int, host: str,
          run_dir: Path | None, template: Path = TEMPLATE) -> None:
    """Run until Ctrl-C or SIGTERM (the foreground command of `make serve` and of a service)."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, _stop_on_signal)
    ports = list(range(first_app_port, first_app_port + processes))
    try:
        with running(database_url=database_url, processes=processes, port=port, app_ports=ports,
                     host=host, run_dir=run_dir, template=template) as deployment:
            print(f"Jobtavlen: {deployment.url} (nginx) in front of {processes} processes on "
                  f"ports {', '.join(map(str, ports))}; logs in {deployment.run_dir}; "
                  "Ctrl-C stops", flush=True)
            while True:
                time.sleep(1)
                deployment.keep_running()
    except KeyboardInterrupt:
        print("Jobtavlen: stopped", flush=True)
