"""A PostgreSQL outage: the cron runner waits and resumes, pages say so, pooled connections recover.

The server and the cron runner run as real processes reaching PostgreSQL
through :class:`~coquiapps.testing.pgproxy.PgProxy`; the test cuts and
restores it and waits on what the processes log and write, never on time.
"""
import queue
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from coquiapps import sql_db
from coquiapps.testing import databases
from coquiapps.testing.http_session import HttpSession
from coquiapps.testing.pgproxy import PgProxy
from coquiapps.tools import config

DEADLINE = 90  # seconds: only a guard against a hang, never part of what is tested


@pytest.fixture(scope="module")
def outage_db(base_db):
    return databases.copy_of(base_db, "outage")


@pytest.fixture
def proxy():
    proxy = PgProxy()
    try:
        yield proxy
    finally:
        proxy.close()


class Process:
    """A ``coquiapps`` command reaching PostgreSQL through the proxy; its output read line by line."""

    def __init__(self, proxy: PgProxy, *args: str):
        cfg = config.current()
        command = [sys.executable, "-m", "coquiapps.cli.main", "--addons-path", cfg["addons_path"],
                   "--data-dir", str(cfg.data_dir), "--db-dsn", proxy.dsn(), *args]
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        self.lines: list[str] = []
        self._new: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)
            self._new.put(line)
        self._new.put(None)

    def wait_for(self, pattern: str) -> re.Match:
        """The first line from now on matching ``pattern``; fails at once if the process ends."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + DEADLINE
        while True:
            try:
                line = self._new.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r} in time:\n{self.output}") from None
            if line is None:
                raise AssertionError(f"the process ended (status {self.proc.wait()}) before a line "
                                     f"matching {pattern!r}:\n{self.output}")
            found = regex.search(line)
            if found:
                return found

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(30)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_pages_during_and_after_an_outage(outage_db, proxy):
    """503 with the product's page while PostgreSQL is away; the first request afterwards works."""
    port = free_port()
    server = Process(proxy, "server", "-d", outage_db, "--http-port", str(port),
                     "--http-interface", "127.0.0.1", "--no-cron")
    try:
        server.wait_for(rf"running on http://127\.0\.0\.1:{port}/")
        browser = HttpSession(f"http://127.0.0.1:{port}")
        browser.login(outage_db)
        assert browser.request("GET", "/web")[0] == 200  # pooled connections now exist

        proxy.cut()  # every pooled connection of the server breaks, as in a restart
        proxy.restore()
        status, _headers, page = browser.request("GET", "/web")
        assert status == 200 and "Administrator" in page, page[-2000:]

        proxy.cut()
        for path in ("/web/login", "/web", f"/web/login?db={outage_db}"):
            status, headers, page = browser.request("GET", path)
            assert status == 503, (path, status, page[-2000:])
            assert "The database server is unavailable, try again shortly." in page
            assert "o_error_page" in page and "Werkzeug" not in page and "Traceback" not in page
            assert headers["Retry-After"]
        proxy.restore()

        status, _headers, page = browser.request("GET", "/web")
        assert status == 200 and "Administrator" in page  # still signed in: the outage kept the session
        assert "Traceback" not in server.output, server.output
    finally:
        server.kill()


def run_sql(db, query, params=None, fetch=False):
    with sql_db.cursor(db) as cr:
        cr.execute(query, params)
        return cr.fetchall() if fetch else None


def test_cron_runner_survives_an_outage_and_runs_due_jobs(outage_db, proxy):
    run_sql(outage_db, "UPDATE ir_cron SET nextcall = (now() AT TIME ZONE 'UTC') + interval '1 day', "
                       "lastcall = NULL")
    [(job_id, job_name)] = run_sql(outage_db, """
        SELECT c.id, c.name FROM ir_cron c
          JOIN ir_model_data d ON d.res_id = c.id AND d.model = 'ir.cron'
         WHERE d.module = 'base' AND d.name = 'autovacuum_job'""", fetch=True)
    runner = Process(proxy, "cron", "-d", outage_db)
    try:
        runner.wait_for(r"cron runner started")
        proxy.cut()
        runner.wait_for(r"cron: PostgreSQL is unavailable .*retrying in")
        # due while PostgreSQL is out of the runner's reach (the test's own connection is direct)
        run_sql(outage_db, "UPDATE ir_cron SET nextcall = (now() AT TIME ZONE 'UTC') - interval '1 minute' "
                           "WHERE id = %s", (job_id,))
        runner.wait_for(r"cron: PostgreSQL is unavailable .*retrying in")  # it keeps trying
        proxy.restore()
        runner.wait_for(r"cron: PostgreSQL is reachable again")
        runner.wait_for(rf"scheduled action '{re.escape(job_name)}' \(id {job_id}\) done")
        # FOR UPDATE waits for the runner to commit the outcome (it holds the row lock until then)
        [(lastcall,)] = run_sql(outage_db, "SELECT lastcall FROM ir_cron WHERE id = %s FOR UPDATE",
                                (job_id,), fetch=True)
        assert lastcall is not None
        assert "cron runner stopped" not in runner.output
        assert runner.stop() == 0
        assert "cron runner stopped" in runner.output
    finally:
        runner.kill()
