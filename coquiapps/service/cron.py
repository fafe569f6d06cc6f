"""The scheduled-action runner: due ``ir.cron`` jobs, each run once per due time.

Any number of runners (threads, processes, hosts) share the work. A runner
takes one due job at a time with ``SELECT ... FOR NO KEY UPDATE SKIP
LOCKED`` on a *lock cursor* and keeps that row lock while the job runs on a
separate *job cursor* (its own transaction, which the job's method may commit
itself, e.g. per account). The job's outcome is then written on the lock
cursor and committed, which releases the job. A runner killed mid-job loses
its connections: PostgreSQL rolls both transactions back and the job is due
again for the next runner.

Idle runners ``LISTEN coquiapps_cron`` on the ``postgres`` database and wake up
when :func:`notify` (sent by ``ir.cron._trigger()`` after commit) names a
database, when the next job or trigger falls due (a ``_trigger(at)`` for a
precise moment runs on time), or after ``poll`` seconds.

Entry points: :func:`process_database` (run what is due now),
:class:`Runner` (``run_once``, ``run_forever``, ``stop``) and
:class:`CronThread` (a runner in a thread of the threaded server).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import select
import threading
import time
import traceback

from dateutil.relativedelta import relativedelta

from coquiapps import sql_db

_logger = logging.getLogger(__name__)
CHANNEL = "coquiapps_cron"
MAX_FAILURES = 5
FAILURE_PERIOD = dt.timedelta(days=1)
POLL_SECONDS = 60.0
MIN_WAIT = 0.01  # seconds: wake just after a due moment, never spin
RETRY_FIRST = 0.5  # seconds before the first reconnection attempt after an outage
RETRY_MAX = 30.0  # the back-off doubles up to this

ACQUIRE_SQL = """
    SELECT c.id, c.name, c.nextcall, c.interval_number, c.interval_type, c.failure_count,
           c.first_failure_date, c.user_id, m.model
      FROM ir_cron c JOIN ir_model m ON m.id = c.model_id
     WHERE c.active
       AND (c.nextcall <= (now() AT TIME ZONE 'UTC')
            OR EXISTS (SELECT 1 FROM ir_cron_trigger t
                        WHERE t.cron_id = c.id AND t.call_at <= (now() AT TIME ZONE 'UTC')))
     ORDER BY c.priority, c.nextcall, c.id
     LIMIT 1
       FOR NO KEY UPDATE OF c SKIP LOCKED
"""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def next_call(previous: dt.datetime, number: int, kind: str, now: dt.datetime) -> dt.datetime:
    """The first slot ``previous + k * interval`` (k >= 1) after ``now``: missed runs are skipped.

    Slots are counted from ``previous`` (no drift: monthly on the 31st stays
    on the last day of each month).
    """
    kind = kind or "months"
    number = max(int(number or 1), 1)
    k = 1
    seconds = {"minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}.get(kind)
    if seconds:  # far behind (a stopped server): jump close to now at once
        k = max(1, int((now - previous).total_seconds() // (seconds * number)))
    while previous + relativedelta(**{kind: number * k}) <= now:
        k += 1
    return previous + relativedelta(**{kind: number * k})


def notify(dbname: str) -> None:
    """Wake the runners listening on this PostgreSQL server for ``dbname`` (outside transactions)."""
    try:
        cnx = sql_db.admin_connection("postgres")
    except sql_db.DatabaseError as exc:
        _logger.warning("could not wake the cron runners: %s", exc)
        return
    try:
        with cnx.cursor() as cr:
            cr.execute("SELECT pg_notify(%s, %s)", (CHANNEL, dbname))
    finally:
        cnx.close()


def _has_cron_tables(cr) -> bool:
    cr.execute("SELECT to_regclass('ir_cron') IS NOT NULL AND to_regclass('ir_cron_trigger') IS NOT NULL")
    return bool(cr.fetchone()[0])


def acquire_job(cr) -> dict | None:
    """Lock the most urgent due job on ``cr`` (skipping jobs other runners hold); None if none."""
    cr.execute(ACQUIRE_SQL)
    job = cr.dictfetchone()
    if job is not None:
        cr.execute("""SELECT id FROM ir_cron_trigger
                       WHERE cron_id = %s AND call_at <= (now() AT TIME ZONE 'UTC')""", (job["id"],))
        job["trigger_ids"] = [row[0] for row in cr.fetchall()]
    return job


NEXT_DUE_SQL = """
    SELECT EXTRACT(EPOCH FROM (LEAST(
               (SELECT min(nextcall) FROM ir_cron WHERE active AND nextcall > (now() AT TIME ZONE 'UTC')),
               (SELECT min(t.call_at) FROM ir_cron_trigger t JOIN ir_cron c ON c.id = t.cron_id
                 WHERE c.active AND t.call_at > (now() AT TIME ZONE 'UTC')))
           - (now() AT TIME ZONE 'UTC')))
"""


def seconds_to_next_due(dbname: str) -> float | None:
    """Seconds until the next job or trigger of ``dbname`` falls due (None: nothing scheduled).

    Only future moments count: a job already due was just tried, and if it
    is not done it runs in another runner, which writes its next call.
    """
    with sql_db.cursor(dbname) as cr:
        if not _has_cron_tables(cr):
            return None
        cr.execute(NEXT_DUE_SQL)
        value = cr.fetchone()[0]
    return None if value is None else max(0.0, float(value))


def _user_lang(cr, uid: int) -> str:
    cr.execute("SELECT lang FROM res_users WHERE id = %s", (uid,))
    row = cr.fetchone()
    return (row and row[0]) or "en_US"


def _call_job(dbname: str, job: dict) -> tuple[bool, str]:
    """Run the job's method in its own transaction; (success, error text)."""
    from coquiapps.orm import SUPERUSER_ID, Environment, Registry
    from coquiapps.tools import translate

    started = time.monotonic()
    try:
        with sql_db.cursor(dbname) as cr:
            registry = Registry.get(dbname).check_signaling(cr)
            lang = _user_lang(cr, job["user_id"])
            translate.ensure_loaded(registry.modules, lang)
            token = translate.set_lang(lang)
            try:
                env = Environment(cr, SUPERUSER_ID, {"lang": lang}, registry=registry)
                env["ir.cron"].browse(job["id"])._callback()
            finally:
                translate.reset_lang(token)
    except Exception as exc:
        _logger.exception("scheduled action %r (id %s) failed on %s", job["name"], job["id"], dbname)
        text = "".join(traceback.format_exception(exc))
        return False, text[-20000:]
    _logger.info("scheduled action %r (id %s) done on %s in %.3fs", job["name"], job["id"], dbname,
                 time.monotonic() - started)
    return True, ""


def _record_outcome(lock_cr, dbname: str, job: dict, ok: bool, error: str, started: dt.datetime) -> None:
    """Write lastcall/nextcall/failures on the still-locked job row; deactivate a hopeless job.

    The triggers that made the job due are consumed; those added while it
    ran stay, so the job runs again.
    """
    now = utcnow()
    nextcall = next_call(job["nextcall"], job["interval_number"], job["interval_type"], now)
    if job["trigger_ids"]:
        lock_cr.execute("DELETE FROM ir_cron_trigger WHERE id = ANY(%s)", (job["trigger_ids"],))
    if ok:
        lock_cr.execute(
            """UPDATE ir_cron SET lastcall = %s, nextcall = %s, failure_count = 0,
                      first_failure_date = NULL, last_error = NULL WHERE id = %s""",
            (started, nextcall, job["id"]))
        return
    count = (job["failure_count"] or 0) + 1
    first = job["first_failure_date"] or now
    hopeless = count >= MAX_FAILURES and now - first >= FAILURE_PERIOD
    lock_cr.execute(
        """UPDATE ir_cron SET nextcall = %s, failure_count = %s, first_failure_date = %s,
                  last_error = %s, active = %s WHERE id = %s""",
        (nextcall, count, first, error, not hopeless, job["id"]))
    if hopeless:
        _logger.error("scheduled action %r (id %s) on %s failed %d times since %s: deactivated",
                      job["name"], job["id"], dbname, count, first)
        _notify_admins(lock_cr, dbname, job, count, first, error)


def _notify_admins(lock_cr, dbname: str, job: dict, count: int, first, error: str) -> None:
    from coquiapps.orm import SUPERUSER_ID, Environment, Registry
    from coquiapps.tools.translate import _

    env = Environment(lock_cr, SUPERUSER_ID, {}, registry=Registry.get(dbname))
    if "res.notice" not in env:
        return
    last_line = (error.strip().splitlines() or [""])[-1]
    env["res.notice"].notify_admins(
        _("Scheduled action deactivated: %s", job["name"]),
        _("The scheduled action %(name)s failed %(count)s times in a row since %(first)s and has been "
          "deactivated. Last error: %(error)s. Fix the cause, then reactivate it.",
          name=job["name"], count=count, first=first, error=last_line),
        record=env["ir.cron"].browse(job["id"]), level="danger")


def process_one(dbname: str) -> bool:
    """Run the most urgent due job of ``dbname``, if any; whether one ran."""
    lock_cr = sql_db.cursor(dbname)
    try:
        if not _has_cron_tables(lock_cr):
            return False
        job = acquire_job(lock_cr)
        if job is None:
            lock_cr.rollback()
            return False
        started = utcnow()
        ok, error = _call_job(dbname, job)
        _record_outcome(lock_cr, dbname, job, ok, error, started)
        lock_cr.commit()
        return True
    except BaseException:
        lock_cr.rollback()
        raise
    finally:
        lock_cr.close()


def process_database(dbname: str, stop: threading.Event | None = None, limit: int | None = None) -> int:
    """Run the due jobs of ``dbname`` one after the other until none is due; how many ran."""
    count = 0
    while not (stop and stop.is_set()) and (limit is None or count < limit):
        if not process_one(dbname):
            break
        count += 1
    return count


class Runner:
    """Runs due jobs of some databases (all CoquiAPPs ones when ``dbnames`` is empty)."""

    def __init__(self, dbnames=None, poll: float = POLL_SECONDS):
        self.dbnames = list(dbnames or [])
        self.poll = poll
        self._stop = threading.Event()
        self._wake_r, self._wake_w = os.pipe()

    def databases(self) -> list[str]:
        if self.dbnames:
            return list(self.dbnames)
        from coquiapps.service import db

        return db.list_dbs()

    def run_once(self) -> int:
        """One pass over the databases: every due job runs; how many ran."""
        total = 0
        for name in self.databases():
            if self._stop.is_set():
                break
            try:
                total += process_database(name, self._stop)
            except Exception as exc:  # a database dropped meanwhile, not ours ...
                if sql_db.is_unavailable(exc):
                    raise  # PostgreSQL itself is gone: run_forever waits for it
                _logger.warning("cron: database %s skipped: %s", name, exc)
        return total

    def stop(self) -> None:
        """Ask the loop to end after the job in progress (safe from signal handlers)."""
        self._stop.set()
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _listen(self):
        """A connection listening for wake-ups; None (polling) when LISTEN is refused.

        PostgreSQL being unreachable is raised: :meth:`run_forever` retries.
        """
        try:
            cnx = sql_db.admin_connection("postgres")
        except sql_db.ServerUnavailable:
            raise
        except Exception as exc:
            _logger.warning("cron: cannot LISTEN (%s); polling every %ss", exc, self.poll)
            return None
        try:
            with cnx.cursor() as cr:
                cr.execute(f"LISTEN {CHANNEL}")
        except Exception as exc:
            cnx.close()
            if sql_db.is_unavailable(exc):
                raise
            _logger.warning("cron: cannot LISTEN (%s); polling every %ss", exc, self.poll)
            return None
        return cnx

    def _timeout(self) -> float:
        """``poll``, or less when a job or trigger falls due sooner (never a busy loop)."""
        timeout = self.poll
        for name in self.databases():
            try:
                due = seconds_to_next_due(name)
            except Exception as exc:  # a database dropped meanwhile: poll as usual
                _logger.debug("cron: next due time of %s unknown: %s", name, exc)
                continue
            if due is not None:
                timeout = min(timeout, due + MIN_WAIT)
        return max(MIN_WAIT, timeout)

    def _wait(self, listener, timeout: float | None = None) -> None:
        """Sleep until a notification, a stop request, the next due job or ``poll`` seconds."""
        watched = [self._wake_r] + ([listener] if listener is not None else [])
        ready, _, _ = select.select(watched, [], [], self._timeout() if timeout is None else timeout)
        if listener is not None and listener in ready:
            listener.poll()  # raises when the connection was lost (PostgreSQL restarted)
            listener.notifies.clear()
        if self._wake_r in ready:
            os.read(self._wake_r, 64)

    def run_forever(self) -> None:
        """Run due jobs, then wait for a NOTIFY or the poll timeout; until :meth:`stop`.

        A PostgreSQL outage never ends the loop: the runner retries with a
        back-off (``RETRY_FIRST`` doubling up to ``RETRY_MAX`` seconds) and
        runs what is due once PostgreSQL answers again.
        """
        listener, connected, retry = None, False, 0.0
        _logger.info("cron runner started (pid %s) for %s", os.getpid(), ", ".join(self.dbnames) or "all databases")
        try:
            while not self._stop.is_set():
                try:
                    if not connected:
                        listener = self._listen()
                        connected = True
                    if retry:
                        _logger.warning("cron: PostgreSQL is reachable again, scheduled actions resume")
                        retry = 0.0
                    self.run_once()
                    if not self._stop.is_set():
                        self._wait(listener)
                except Exception as exc:
                    if listener is not None:
                        listener.close()
                    listener, connected = None, False
                    retry = min(RETRY_MAX, retry * 2 or RETRY_FIRST)
                    if sql_db.is_unavailable(exc):
                        _logger.warning("cron: PostgreSQL is unavailable (%s); retrying in %.1fs",
                                        sql_db.first_line(exc), retry)
                    else:  # a bug here must not stop every scheduled action for good either
                        _logger.exception("cron: runner error; retrying in %.1fs", retry)
                    self._wait(None, retry)
        finally:
            if listener is not None:
                listener.close()
            os.close(self._wake_r)
            os.close(self._wake_w)
            _logger.info("cron runner stopped (pid %s)", os.getpid())


class CronThread(threading.Thread):
    """A :class:`Runner` in a daemon thread (the threaded server's scheduler)."""

    def __init__(self, dbnames=None, poll: float = POLL_SECONDS):
        super().__init__(name="coquiapps-cron", daemon=True)
        self.runner = Runner(dbnames, poll)

    def run(self) -> None:
        self.runner.run_forever()

    def stop(self, timeout: float | None = 30) -> None:
        self.runner.stop()
        self.join(timeout)
