"""Scheduled actions: the runner, failures, triggers, concurrent runners, a killed runner."""
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from coquiapps import sql_db
from coquiapps.exceptions import UserError
from coquiapps.modules import loading
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.service import cron
from coquiapps.testing import databases, gates
from coquiapps.testing.addon_factory import unique, write_addon
from coquiapps.tools import config

WAIT = 120  # seconds: bounds a hang only, never asserts speed
POLL = 3600  # runners in these tests poll once an hour: waking sooner proves a NOTIFY, a due time or stop()

PROBE = '''
import os
import time
from pathlib import Path

from coquiapps import fields, models
from coquiapps.exceptions import UserError
from coquiapps.testing.gates import meet_once


class CronProbe(models.Model):
    _name = "cron.probe"
    _description = "Cron probe runs"

    name = fields.Char()
    pid = fields.Integer()
    at = fields.Float()

    def _log(self, name):
        return self.sudo().create({"name": name, "pid": os.getpid(), "at": time.time()})

    def _cron_ok(self):
        self._log("ok")

    def _cron_fail(self):
        raise UserError("the probe failed on purpose")

    def _cron_commit_then_fail(self):
        self._log("committed")
        self.env.cr.commit()
        self._log("lost")
        raise UserError("after commit")

    def _cron_slow(self):
        marker = os.environ.get("CRON_PROBE_MARKER")
        if marker:
            Path(marker).write_text(str(os.getpid()))
        meet_once("cron.probe.slow")
        time.sleep(float(os.environ.get("CRON_PROBE_SLEEP", "0.05")))
        self._log("slow")
'''


@pytest.fixture(scope="module")
def probe_addon(tmp_path_factory):
    """A throw-away addon with a ``cron.probe`` model, on the addons path for this module."""
    root = tmp_path_factory.mktemp("cron_addons")
    name = unique("cron_probe")
    write_addon(root, name, {"name": "Cron probe", "depends": ["base"]}, {
        "__init__.py": "from . import probe\n", "probe.py": PROBE})
    values = config.current().values
    old = values["addons_path"]
    values["addons_path"] = ",".join([old, str(root)]) if old else str(root)
    try:
        yield name, root
    finally:
        values["addons_path"] = old


@pytest.fixture(scope="module")
def cron_db(base_db, probe_addon):
    name = databases.copy_of(base_db, "cron")
    with sql_db.cursor(name) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(name))
        env["ir.module.module"].update_list()
        loading.install_modules(env, [probe_addon[0]])
    return name


def run_sql(db, query, params=None, fetch=False):
    with sql_db.cursor(db) as cr:
        cr.execute(query, params)
        return cr.fetchall() if fetch else None


def make_jobs(db, method, count=1, **values):
    """Fresh due jobs calling ``model.<method>()``; the other jobs are switched off."""
    with sql_db.cursor(db) as cr:
        cr.execute("UPDATE ir_cron SET active = false")
        cr.execute("DELETE FROM cron_probe")
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(db))
        model = env["ir.model"].search([("model", "=", "cron.probe")])
        due = cron.utcnow() - dt.timedelta(minutes=1)
        jobs = env["ir.cron"].create([{
            "name": f"probe {method} {i}", "model_id": model.id, "code": f"model.{method}()",
            "interval_number": 1, "interval_type": "hours", "nextcall": due, **values,
        } for i in range(count)])
        return jobs.ids


def probe_runs(db, name=None):
    rows = run_sql(db, "SELECT name FROM cron_probe ORDER BY id", fetch=True)
    return [r[0] for r in rows if name is None or r[0] == name]


def wait_for(condition, what: str, proc=None):
    """Poll ``condition`` until true (or ``proc`` ended); the deadline only bounds a hang."""
    deadline = time.monotonic() + WAIT
    while not condition():
        if proc is not None and proc.poll() is not None:
            return
        assert time.monotonic() < deadline, f"still waiting for {what} after {WAIT} s"
        time.sleep(0.02)


def watch_idle(thread) -> threading.Event:
    """An event set each time ``thread``'s runner starts waiting (for a NOTIFY, a due time, stop)."""
    idle = threading.Event()
    runner, wait = thread.runner, thread.runner._wait

    def waiting(listener):
        idle.set()
        wait(listener)

    runner._wait = waiting
    return idle


def job_row(db, job_id):
    with sql_db.cursor(db) as cr:
        cr.execute("SELECT * FROM ir_cron WHERE id = %s", (job_id,))
        return cr.dictfetchone()


def test_next_call_skips_missed_runs():
    now = dt.datetime(2024, 6, 10, 12, 0, 30)
    assert cron.next_call(dt.datetime(2024, 6, 10, 11, 0), 1, "hours", now) == dt.datetime(2024, 6, 10, 13, 0)
    assert cron.next_call(dt.datetime(2024, 6, 10, 12, 0), 1, "hours", now) == dt.datetime(2024, 6, 10, 13, 0)
    assert cron.next_call(dt.datetime(2020, 1, 1, 0, 5), 10, "minutes", now) == dt.datetime(2024, 6, 10, 12, 5)
    assert cron.next_call(dt.datetime(2024, 1, 31), 1, "months", now) == dt.datetime(2024, 6, 30)


def test_due_job_runs_once_and_is_rescheduled(cron_db):
    [job] = make_jobs(cron_db, "_cron_ok")
    before = job_row(cron_db, job)
    assert cron.process_database(cron_db) == 1
    assert cron.process_database(cron_db) == 0
    assert probe_runs(cron_db) == ["ok"]
    after = job_row(cron_db, job)
    assert after["lastcall"] is not None
    assert after["nextcall"] == before["nextcall"] + dt.timedelta(hours=1)
    assert after["failure_count"] == 0


def test_inactive_and_future_jobs_wait_and_priority_orders(cron_db):
    first, second, off, later = make_jobs(cron_db, "_cron_ok", 4)
    run_sql(cron_db, "UPDATE ir_cron SET priority = 9 WHERE id = %s", (first,))
    run_sql(cron_db, "UPDATE ir_cron SET priority = 1 WHERE id = %s", (second,))
    run_sql(cron_db, "UPDATE ir_cron SET active = false WHERE id = %s", (off,))
    run_sql(cron_db, "UPDATE ir_cron SET nextcall = nextcall + interval '1 day' WHERE id = %s", (later,))
    with sql_db.cursor(cron_db) as cr:
        assert cron.acquire_job(cr)["id"] == second
    assert cron.process_database(cron_db) == 2
    assert job_row(cron_db, off)["lastcall"] is None
    assert job_row(cron_db, later)["lastcall"] is None


def test_failure_is_counted_and_retried_next_interval(cron_db, caplog):
    [job] = make_jobs(cron_db, "_cron_fail")
    before = job_row(cron_db, job)
    with caplog.at_level("ERROR", logger="coquiapps.service.cron"):
        assert cron.process_database(cron_db) == 1
    assert "the probe failed on purpose" in caplog.text and "Traceback" in caplog.text
    row = job_row(cron_db, job)
    assert row["failure_count"] == 1 and row["first_failure_date"] is not None
    assert "the probe failed on purpose" in row["last_error"]
    assert row["nextcall"] == before["nextcall"] + dt.timedelta(hours=1)
    assert row["active"] and row["lastcall"] is None
    # success afterwards resets the count
    run_sql(cron_db, "UPDATE ir_cron SET code = 'model._cron_ok()', nextcall = %s WHERE id = %s",
            (cron.utcnow(), job))
    cron.process_database(cron_db)
    row = job_row(cron_db, job)
    assert row["failure_count"] == 0 and row["first_failure_date"] is None and row["last_error"] is None


def test_five_failures_in_under_a_day_keep_the_job(cron_db):
    [job] = make_jobs(cron_db, "_cron_fail")
    run_sql(cron_db, "UPDATE ir_cron SET failure_count = 4, first_failure_date = %s WHERE id = %s",
            (cron.utcnow() - dt.timedelta(hours=2), job))
    cron.process_database(cron_db)
    row = job_row(cron_db, job)
    assert row["failure_count"] == 5 and row["active"]


def test_five_failures_over_a_day_deactivate_and_notify_admins(cron_db):
    [job] = make_jobs(cron_db, "_cron_fail")
    run_sql(cron_db, "UPDATE ir_cron SET failure_count = 4, first_failure_date = %s WHERE id = %s",
            (cron.utcnow() - dt.timedelta(days=2), job))
    cron.process_database(cron_db)
    row = job_row(cron_db, job)
    assert row["failure_count"] == 5 and not row["active"]
    with sql_db.cursor(cron_db) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(cron_db))
        notices = env["res.notice"].search([("res_model", "=", "ir.cron"), ("res_id", "=", job)])
        admins = env.ref("base.group_system").users if "users" in env["res.groups"]._fields else None
        assert notices and notices[0].level == "danger"
        assert "probe _cron_fail 0" in notices[0].title
        assert "the probe failed on purpose" in notices[0].message
        assert env.ref("base.user_admin") in notices.mapped("user_id")
        if admins is not None:
            assert set(notices.mapped("user_id").ids) <= set(admins.ids)


def test_a_job_may_commit_itself(cron_db):
    make_jobs(cron_db, "_cron_commit_then_fail")
    cron.process_database(cron_db)
    assert probe_runs(cron_db) == ["committed"]


def test_run_manually_refused_while_running_elsewhere(cron_db):
    [job] = make_jobs(cron_db, "_cron_ok")
    holder = sql_db.cursor(cron_db)
    try:
        assert cron.acquire_job(holder)["id"] == job  # "another runner" holds the job
        with sql_db.cursor(cron_db) as cr:
            env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(cron_db))
            with pytest.raises(UserError, match="running right now"):
                env["ir.cron"].browse(job).method_direct_trigger()
            with sql_db.cursor(cron_db) as other:
                assert cron.acquire_job(other) is None  # and no second runner takes it
    finally:
        holder.rollback()
        holder.close()
    with sql_db.cursor(cron_db) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(cron_db))
        assert env["ir.cron"].browse(job).method_direct_trigger() is True
    assert probe_runs(cron_db) == ["ok"]


def test_concurrent_runner_threads_run_each_job_once(cron_db):
    make_jobs(cron_db, "_cron_slow", 24)
    counts = []
    # the first job of each runner waits until all four run one at once: the work is provably shared
    gates.GATES["cron.probe.slow"] = threading.Barrier(4)
    try:
        threads = [threading.Thread(target=lambda: counts.append(cron.process_database(cron_db)))
                   for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(WAIT)
    finally:
        del gates.GATES["cron.probe.slow"]
    assert sum(counts) == 24 and len(counts) == 4
    assert len(probe_runs(cron_db, "slow")) == 24
    assert min(counts) >= 1 and max(counts) < 24  # the work was shared


def test_trigger_wakes_an_idle_runner(cron_db):
    [job] = make_jobs(cron_db, "_cron_ok")
    run_sql(cron_db, "UPDATE ir_cron SET nextcall = nextcall + interval '1 day' WHERE id = %s", (job,))
    thread = cron.CronThread([cron_db], poll=POLL)
    idle = watch_idle(thread)
    thread.start()
    try:
        assert idle.wait(WAIT), "the runner never went idle"  # found nothing due, waits on LISTEN
        assert probe_runs(cron_db) == []
        with sql_db.cursor(cron_db) as cr:
            env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(cron_db))
            env["ir.cron"].browse(job)._trigger()
        wait_for(lambda: probe_runs(cron_db), "the triggered job")  # long before the hourly poll
        assert probe_runs(cron_db) == ["ok"]
        wait_for(lambda: not run_sql(cron_db, "SELECT count(*) FROM ir_cron_trigger", fetch=True)[0][0],
                 "the trigger to be consumed")
    finally:
        thread.stop(WAIT)
    assert not thread.is_alive()  # stop() woke it: the poll is an hour


def test_idle_runner_wakes_for_a_trigger_set_for_later(cron_db):
    [job] = make_jobs(cron_db, "_cron_ok")
    run_sql(cron_db, "UPDATE ir_cron SET nextcall = nextcall + interval '1 day' WHERE id = %s", (job,))
    # a precise moment 1.5 s ahead; no NOTIFY is sent when it falls due, and the poll is an hour
    call_at = time.time() + 1.5
    run_sql(cron_db, "INSERT INTO ir_cron_trigger (cron_id, call_at) VALUES (%s, %s)",
            (job, dt.datetime.fromtimestamp(call_at, dt.UTC).replace(tzinfo=None)))
    left_before = call_at - time.time()
    due = cron.seconds_to_next_due(cron_db)
    assert max(0.0, call_at - time.time()) - 0.01 <= due <= left_before + 0.01  # the trigger, not tomorrow's run
    thread = cron.CronThread([cron_db], poll=POLL)
    thread.start()
    try:
        wait_for(lambda: probe_runs(cron_db), "the job of the trigger")  # long before the hourly poll
        assert probe_runs(cron_db) == ["ok"]
        [(ran_at,)] = run_sql(cron_db, "SELECT at FROM cron_probe", fetch=True)
        assert ran_at >= call_at  # not early
        # the trigger is consumed when the runner records the outcome, just after the job's commit
        wait_for(lambda: not run_sql(cron_db, "SELECT count(*) FROM ir_cron_trigger", fetch=True)[0][0],
                 "the trigger to be consumed")
    finally:
        thread.stop(WAIT)
    assert not thread.is_alive()


def test_trigger_while_running_runs_again(cron_db):
    [job] = make_jobs(cron_db, "_cron_ok")
    holder = sql_db.cursor(cron_db)
    try:
        cron.acquire_job(holder)
        with sql_db.cursor(cron_db) as cr:  # never waits for the running job
            env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(cron_db))
            env["ir.cron"].browse(job)._trigger()
    finally:
        holder.rollback()
        holder.close()
    run_sql(cron_db, "UPDATE ir_cron SET nextcall = nextcall + interval '1 day' WHERE id = %s", (job,))
    assert cron.process_database(cron_db) == 1  # the trigger alone makes it due


def cli(*args, env=None):
    cfg = config.current()
    base = [sys.executable, "-m", "coquiapps.cli.main", "--addons-path", cfg["addons_path"],
            "--data-dir", str(cfg.data_dir)]
    if cfg.get("db_dsn"):
        base += ["--db-dsn", cfg["db_dsn"]]
    return base + list(args)


def test_cli_once_and_a_killed_runner_loses_nothing(cron_db, tmp_path):
    [job] = make_jobs(cron_db, "_cron_slow")
    marker = tmp_path / "running"
    env = {**os.environ, "CRON_PROBE_MARKER": str(marker), "CRON_PROBE_SLEEP": "3600"}  # killed long before
    proc = subprocess.Popen(cli("cron", "-d", cron_db, "--once"), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(marker.exists, "the job to start", proc)
        assert marker.exists(), proc.stdout.read().decode() if proc.poll() is not None else "job never started"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(WAIT)
        proc.stdout.close()
    # PostgreSQL notices the dead connections: the job's row lock goes with them
    wait_for(lambda: run_sql(cron_db, "SELECT id FROM ir_cron WHERE id = %s FOR UPDATE SKIP LOCKED", (job,),
                             fetch=True), "the killed runner's lock to go")
    row = job_row(cron_db, job)
    assert row["lastcall"] is None and row["failure_count"] == 0 and probe_runs(cron_db) == []
    done = subprocess.run(cli("cron", "-d", cron_db, "--once"), env={**os.environ, "CRON_PROBE_SLEEP": "0"},
                          capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 0, done.stderr
    assert probe_runs(cron_db) == ["slow"]
    assert job_row(cron_db, job)["lastcall"] is not None


def test_cli_runner_stops_on_sigterm(cron_db):
    make_jobs(cron_db, "_cron_ok")
    proc = subprocess.Popen(cli("cron", "-d", cron_db), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: probe_runs(cron_db), "the runner's first job", proc)
        assert probe_runs(cron_db) == ["ok"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(WAIT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(WAIT)
        proc.stdout.close()
