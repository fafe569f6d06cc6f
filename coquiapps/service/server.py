"""Serving: a threaded werkzeug server with a cron thread, or gunicorn workers and a cron process.

Both stop gracefully on SIGTERM (and SIGINT): requests in progress finish,
the scheduler finishes its current job, and the process exits with status 0.
What is served is given by the caller as ``application``, a function making
the WSGI application (``coquiapps server`` gives the web layer's): the
service layer sits below the web layer and does not import it.
"""
from __future__ import annotations

import ctypes
import logging
import os
import re
import signal
import sys
import threading
import time

_logger = logging.getLogger(__name__)
GRACEFUL_TIMEOUT = 20


def restrict_to(dbnames: list[str]) -> None:
    """Serve only these databases: ``db_filter`` becomes their exact names."""
    from coquiapps.tools import config

    if dbnames:
        config.current().values["db_filter"] = "^(" + "|".join(re.escape(n) for n in dbnames) + ")$"


def _forget_inherited_connections() -> None:
    """In a forked child: never touch the parent's pooled connections (not even to close them)."""
    from coquiapps import sql_db

    sql_db.pool().forget_all()


def preload_registries(dbnames) -> None:
    """Build the registries of the databases served (``-d``) now, once, before any request.

    In the prefork server this runs in the arbiter, so every worker forks
    with the models already built (shared copy-on-write) instead of each
    building them on its first request while that request and the ones queued
    behind it wait. A database that cannot be loaded yet is loaded on first
    use, as before. The connections used are closed: workers open their own.
    """
    from coquiapps import sql_db
    from coquiapps.orm.registry import Registry

    for name in dbnames or ():
        try:
            Registry.get(name)
        except Exception as exc:  # not created yet, not ours: the first request says so
            _logger.info("registry of %s not preloaded: %s", name, exc)
    sql_db.pool().close_all()


def _die_with_parent() -> None:
    """Linux: this process gets SIGTERM when its parent dies (no orphaned cron runner)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


# -- threaded ---------------------------------------------------------------------------
class ThreadedServer:
    """werkzeug's threaded server in this process, a :class:`CronThread` beside it."""

    def __init__(self, application, interface: str, port: int, dbnames=None, cron: bool = True):
        self.application = application
        self.interface, self.port = interface, port
        self.dbnames = list(dbnames or [])
        self.cron = cron
        self.httpd = None

    def _stop(self, signum, frame) -> None:
        _logger.info("signal %s: stopping (requests in progress finish)", signum)
        threading.Thread(target=self.httpd.shutdown, daemon=True).start()

    def run(self) -> int:
        from werkzeug.serving import make_server

        from coquiapps.service.cron import CronThread

        preload_registries(self.dbnames)
        self.httpd = make_server(self.interface, self.port, self.application(), threaded=True)
        self.httpd.daemon_threads = False  # server_close() waits for requests in progress
        self.httpd.block_on_close = True
        cron_thread = CronThread(self.dbnames) if self.cron else None
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        if cron_thread:
            cron_thread.start()
        print(f"CoquiAPPs is running on http://{self.interface}:{self.httpd.server_port}/ "
              f"(threaded, pid {os.getpid()})", flush=True)
        try:
            self.httpd.serve_forever()
        finally:
            self.httpd.server_close()
            if cron_thread:
                cron_thread.stop(GRACEFUL_TIMEOUT)
        _logger.info("server stopped")
        return 0


# -- prefork (gunicorn) -----------------------------------------------------------------
def start_cron_process(dbnames) -> int:
    """Fork a cron runner process; its pid."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        _forget_inherited_connections()
        _die_with_parent()
        from coquiapps.service.cron import Runner

        runner = Runner(dbnames)
        signal.signal(signal.SIGTERM, lambda *a: runner.stop())
        signal.signal(signal.SIGINT, lambda *a: runner.stop())
        runner.run_forever()
        code = 0
    except BaseException:
        _logger.exception("cron process crashed")
    finally:
        os._exit(code)


def stop_process(pid: int, timeout: float = GRACEFUL_TIMEOUT) -> None:
    """SIGTERM ``pid``, wait for it (it may already be reaped by gunicorn), SIGKILL if it lingers."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            done, _status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done:
            return
        time.sleep(0.05)
    _logger.warning("cron process %s did not stop in %ss: killing it", pid, timeout)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _gunicorn_app(application, interface: str, port: int, workers: int, threads: int):
    from gunicorn.app.base import BaseApplication

    class GunicornApp(BaseApplication):
        """gunicorn configured from code (no command-line parsing)."""

        def load_config(self):
            settings = {
                "bind": f"{interface}:{port}", "workers": workers,
                "worker_class": "gthread" if threads > 1 else "sync", "threads": threads,
                "graceful_timeout": GRACEFUL_TIMEOUT, "timeout": 120, "keepalive": 5,
                "proc_name": "coquiapps", "post_fork": lambda server, worker: _forget_inherited_connections(),
                "accesslog": None, "loglevel": "warning",
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):  # in each worker
            return application()

    return GunicornApp()


class PreforkServer:
    """gunicorn workers serving ``application()``, a separate cron process."""

    def __init__(self, application, interface: str, port: int, workers: int, dbnames=None,
                 cron: bool = True, threads: int = 4):
        self.application = application
        self.interface, self.port, self.workers, self.threads = interface, port, workers, threads
        self.dbnames = list(dbnames or [])
        self.cron = cron

    def run(self) -> int:
        preload_registries(self.dbnames)  # before forking: the cron process and the workers share them
        cron_pid = start_cron_process(self.dbnames) if self.cron else None
        print(f"CoquiAPPs is running on http://{self.interface}:{self.port}/ "
              f"({self.workers} workers, pid {os.getpid()})", flush=True)
        code = 0
        try:
            _gunicorn_app(self.application, self.interface, self.port, self.workers, self.threads).run()
        except SystemExit as exc:  # gunicorn's arbiter exits through sys.exit
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            if cron_pid:
                stop_process(cron_pid)
        _logger.info("server stopped (status %s)", code)
        return code


def serve(application, interface: str = "127.0.0.1", port: int = 8069, workers: int = 0,
          dbnames=None, cron: bool = True, restrict: bool = True) -> int:
    """Serve ``application()`` (a function making the WSGI application) until SIGTERM/SIGINT; the exit status.

    ``dbnames`` are preloaded and, with ``restrict`` (``-d``), the only ones served;
    without it every database passing the configured ``db_filter`` is served too
    (``make demo``: its staging copies open beside it) and cron runs on all of them.
    """
    if restrict:
        restrict_to(list(dbnames or []))
    else:
        preload_registries(dbnames)
        dbnames = None
    if workers and workers > 0:
        return PreforkServer(application, interface, port, workers, dbnames, cron).run()
    return ThreadedServer(application, interface, port, dbnames, cron).run()
