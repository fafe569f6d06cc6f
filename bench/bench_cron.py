"""4 cron runner processes, 200 due jobs of 50 ms each.

Checks that every job ran exactly once and prints the wall time and its
ratio to (total work / 4). Target: ratio <= 1.3. The runners are started
first and idle on LISTEN; the jobs are made due in one transaction and the
runners woken with NOTIFY, as ``ir.cron._trigger()`` does.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import line  # noqa: E402

from coquiapps import sql_db  # noqa: E402
from coquiapps.orm import SUPERUSER_ID, Environment, Registry  # noqa: E402
from coquiapps.service import cron, db  # noqa: E402
from coquiapps.tools import config  # noqa: E402

RUNNERS, JOBS, JOB_SECONDS = 4, 200, 0.05
ADDON = "bench_cron_probe"
PROBE = '''
import os
import time

from coquiapps import fields, models


class BenchCronProbe(models.Model):
    _name = "bench.cron.probe"
    _description = "Cron benchmark runs"

    pid = fields.Integer()

    def _cron_work(self):
        time.sleep(%s)
        self.sudo().create({"pid": os.getpid()})
''' % JOB_SECONDS


def write_addon(root: Path) -> None:
    folder = root / ADDON
    folder.mkdir()
    (folder / "__manifest__.py").write_text(repr({"name": "Cron bench probe", "version": "1.0",
                                                  "depends": ["base"], "license": "LGPL-3"}))
    (folder / "__init__.py").write_text("from . import probe\n")
    (folder / "probe.py").write_text(PROBE)


def listening(name: str) -> int:
    with sql_db.cursor(name) as cr:
        cr.execute("SELECT count(*) FROM pg_stat_activity WHERE query LIKE %s", (f"LISTEN {cron.CHANNEL}%",))
        return cr.fetchone()[0]


def main() -> None:
    name = f"bench_cron_{os.getpid()}"
    tmp = tempfile.TemporaryDirectory()
    write_addon(Path(tmp.name))
    cfg = config.current()
    cfg.values["addons_path"] = ",".join(p for p in [cfg["addons_path"], tmp.name] if p)
    db.create_database(name, modules=[ADDON])
    procs = []
    try:
        with sql_db.cursor(name) as cr:
            cr.execute("UPDATE ir_cron SET active = false")
        command = [sys.executable, "-m", "coquiapps.cli.main", "--addons-path", cfg["addons_path"],
                   "--data-dir", str(cfg.data_dir), "--log-level", "warning"]
        if cfg.get("db_dsn"):
            command += ["--db-dsn", cfg["db_dsn"]]
        procs = [subprocess.Popen(command + ["cron", "-d", name]) for _ in range(RUNNERS)]
        deadline = time.monotonic() + 60
        while listening("postgres") < RUNNERS and time.monotonic() < deadline:
            time.sleep(0.1)
        with sql_db.cursor(name) as cr:
            env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(name))
            model = env["ir.model"].search([("model", "=", "bench.cron.probe")])
            env["ir.cron"].create([{"name": f"bench {i}", "model_id": model.id, "code": "model._cron_work()",
                                    "interval_number": 1, "interval_type": "days",
                                    "nextcall": cron.utcnow()} for i in range(JOBS)])
        started = time.perf_counter()
        cron.notify(name)
        done = 0
        while done < JOBS and time.perf_counter() - started < 120:
            time.sleep(0.01)
            with sql_db.cursor(name) as cr:
                cr.execute("SELECT count(*) FROM ir_cron WHERE name LIKE 'bench %%' AND lastcall IS NOT NULL")
                done = cr.fetchone()[0]
        wall = time.perf_counter() - started
        with sql_db.cursor(name) as cr:
            cr.execute("SELECT count(*), count(DISTINCT pid) FROM bench_cron_probe")
            runs, pids = cr.fetchone()
        ideal = JOBS * JOB_SECONDS / RUNNERS
        print(f"{RUNNERS} runner processes, {JOBS} due jobs of {JOB_SECONDS * 1000:.0f} ms")
        line("jobs run (must be exactly once each)", f"{runs} / {JOBS}", "OK" if runs == JOBS == done else "FAIL")
        line("runner processes that worked", f"{pids}")
        line("wall time", f"{wall:.2f} s")
        line("ratio to total work / runners", f"{wall / ideal:.2f}", "(target <= 1.3)")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        db.drop_database(name)
        tmp.cleanup()


if __name__ == "__main__":
    main()
