"""200 concurrent consent callbacks (distinct accounts) through `coquiapps server --workers 4`.

Target: p99 < 300 ms *excluding the time the callback waits on the sandbox's LWA
token endpoint*, every account connected, no error.

Each callback is timed by the client (the whole HTTP round trip). The LWA wait
is taken from the server itself: the module's transport logs every LWA call
with Amazon's request id and its duration ("lwa:authorization_code POST
/auth/o2/token -> 200 (request id ..., N ms)"; never a code or a token). The
server's log goes to a temporary file that is read after the run. To know which
callback made which LWA call, a WSGI middleware in front of the sandbox (in this
process) notes, for each code exchange, the code and the request id the sandbox
answered with; the benchmark knows each callback's code. So "without LWA" is
client latency minus the server's own measured wait on the token endpoint for
that very callback (connection, sandbox queueing and handling included, and
also the HTTP client's own work for that call inside the server, a few ms of
CPU; the log's resolution is 1 ms). The sandbox's own handling time of the same
calls is printed too, to show how much of the wait is the sandbox working: the
sandbox runs in this process, threaded, and shares its interpreter lock with
the client threads, so under load most of the wait is queueing, not LWA work.

Two passes on fresh consents, same server, same run:

- concurrent: all callbacks sent at once (one client thread each), as before;
- sequential: the same number of other callbacks, one after the other: the
  cost of one callback without queueing behind the others.

CPU is counted for each pass: gunicorn workers (/proc), the PostgreSQL
backends serving the benchmark database (pg_stat_activity + /proc) and this
process (sandbox + HTTP clients). With C cores, N simultaneous callbacks cannot
all finish before N x CPU-per-callback / C: that floor is printed next to the
target. The 1-minute load average is printed: the cores may be shared.
"""
import argparse
import concurrent.futures
import io
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode

sys.path.insert(0, str(Path(__file__).parent))
import requests  # noqa: E402
from _common import line  # noqa: E402

from coquiapps import sql_db  # noqa: E402
from coquiapps.modules import discovery  # noqa: E402
from coquiapps.service import db  # noqa: E402
from coquiapps.tools import config  # noqa: E402

discovery.discover(config.current().addons_paths)
from coquiapps.addons.sale_amazon_spapi.tests.spapi_world import World, confirm_on_amazon  # noqa: E402

from amazon_sandbox.app import Sandbox  # noqa: E402
from amazon_sandbox.server import serve  # noqa: E402
from amazon_sandbox.testing import Harness  # noqa: E402

TARGET_MS = 300
LWA_LOG = re.compile(r"lwa:authorization_code POST /auth/o2/token -> \S+ \(request id (\S+), (\d+) ms\)")
CLK = os.sysconf("SC_CLK_TCK")


class LWARecorder:
    """WSGI middleware in front of the sandbox: request id and handling time of each code exchange."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.by_code: dict[str, tuple[str | None, float]] = {}

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != "/auth/o2/token":
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        code = (parse_qs(body.decode("latin-1")).get("code") or [None])[0]
        seen = {}

        def capture(status, headers, exc_info=None):
            seen["rid"] = dict(headers).get("x-amzn-RequestId")
            return start_response(status, headers, exc_info)

        started = time.perf_counter()
        result = self.app(environ, capture)
        elapsed = time.perf_counter() - started
        if code:
            with self.lock:
                self.by_code[code] = (seen.get("rid"), elapsed)
        return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def proc_cpu(pids) -> float:
    """CPU seconds (user + system) of these processes; unreadable ones count 0."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLK


def backend_cpu(name: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to ``name`` (where /proc can tell)."""
    cnx = sql_db.admin_connection()
    try:
        with cnx.cursor() as cr:
            cr.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))
            pids = [row[0] for row in cr.fetchall()]
    finally:
        cnx.close()
    return {pid: proc_cpu([pid]) for pid in pids}


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[max(0, int(len(sorted_values) * share) - 1)]


def run_pass(base, queries, at_once: bool, workers, dbname):
    def call(query):
        started = time.perf_counter()
        try:
            response = requests.get(f"{base}/amazon_spapi/callback?{urlencode(query)}", timeout=60)
        except requests.RequestException:
            return time.perf_counter() - started, None, False
        return time.perf_counter() - started, response.status_code, 'data-outcome="connected"' in response.text

    cpu_before = proc_cpu(workers), time.process_time(), backend_cpu(dbname)
    started = time.perf_counter()
    if at_once:
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(queries)) as pool:
            results = list(pool.map(call, queries))
    else:
        results = [call(query) for query in queries]
    wall = time.perf_counter() - started
    after = backend_cpu(dbname)
    postgres = sum(cpu - cpu_before[2].get(pid, 0.0) for pid, cpu in after.items())
    cpu = {"workers": proc_cpu(workers) - cpu_before[0], "postgres": postgres,
           "bench": time.process_time() - cpu_before[1]}
    return results, wall, cpu


def report(title, queries, results, wall, cpu, server_lwa, recorder, connected):
    n = len(results)
    total = [r[0] for r in results]
    waits, sandbox, unmatched = [], [], 0
    for query in queries:
        rid, handled = recorder.by_code.get(query["spapi_oauth_code"], (None, None))
        wait = server_lwa.get(rid) if rid else None
        if wait is None:
            unmatched += 1
            wait = 0.0
        waits.append(wait)
        sandbox.append(handled or 0.0)
    without = sorted(t - w for t, w in zip(total, waits, strict=True))
    total, waits = sorted(total), sorted(waits)
    errors = sum(1 for r in results if r[1] != 200 or not r[2])
    per_callback = sum(cpu.values()) / n
    print(f"-- {title}")
    line("p50 / p99 latency, all included", f"{statistics.median(total) * 1000:.0f} / "
         f"{percentile(total, 0.99) * 1000:.0f} ms")
    line("p50 / p99 latency, without the LWA wait", f"{statistics.median(without) * 1000:.0f} / "
         f"{percentile(without, 0.99) * 1000:.0f} ms", f"target p99 < {TARGET_MS} ms")
    line("LWA wait seen by the server p50 / p99", f"{statistics.median(waits) * 1000:.0f} / "
         f"{percentile(waits, 0.99) * 1000:.0f} ms",
         f"sandbox handling p50 {statistics.median(sandbox) * 1000:.1f} ms")
    if unmatched:
        line("callbacks whose LWA wait was not found", str(unmatched), "counted as 0 ms")
    line("wall time / throughput", f"{wall:.2f} s / {n / wall:.0f} per s")
    line("accounts connected / errors", f"{connected} of {n} / {errors}", "target all / 0")
    line("CPU per callback: workers + postgres + bench", f"{per_callback * 1000:.1f} ms",
         f"{cpu['workers'] / n * 1000:.1f} + {cpu['postgres'] / n * 1000:.1f} + "
         f"{cpu['bench'] / n * 1000:.1f} ms")
    return per_callback


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--callbacks", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    options = parser.parse_args()
    n = options.callbacks
    name = "bench_callbacks"
    if db.exists(name):
        db.drop_database(name)
    db.create_database(name, modules=["sale_amazon"])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    sandbox = Sandbox(seed=21)
    recorder = LWARecorder(sandbox.wsgi_app)
    sandbox.wsgi_app = recorder  # served through the recorder (serve() takes sandbox.wsgi_app)
    server_log = tempfile.NamedTemporaryFile("w+", prefix="bench_callbacks_", suffix=".log")
    with serve(sandbox) as sandbox_server:
        harness = Harness(sandbox_server)
        import coquiapps.addons.sale_amazon_spapi.tests.spapi_world as spapi_world

        spapi_world.BASE_URL, spapi_world.CALLBACK = base, f"{base}/amazon_spapi/callback"
        world = World(harness, name)
        with world.env() as env:
            app = world.make_app(env)
            accounts = [world.make_account(env, app, name=f"Bench {i}") for i in range(2 * n)]
            urls = [account._sp_consent_url() for account in accounts]
        # distinct accounts are distinct sellers: each has its own usage plan at Amazon
        sellers = [harness.control("POST", "sellers", {"region": "NA", "marketplace_ids": ["ATVPDKIKX0DER"]})
                   for _ in urls]
        queries = [confirm_on_amazon(harness, url, seller=seller) for url, seller in zip(urls, sellers, strict=True)]
        concurrent_queries, sequential_queries = queries[:n], queries[n:]
        server = subprocess.Popen([sys.executable, "-m", "coquiapps.cli.main", "--log-level", "info", "server",
                                   "-d", name, "--http-port", str(port), "--workers", str(options.workers),
                                   "--no-cron"], stdout=subprocess.DEVNULL, stderr=server_log)
        try:
            for _ in range(300):
                try:
                    requests.get(f"{base}/web/webclient/version_info", timeout=1)
                    break
                except requests.RequestException:
                    time.sleep(0.2)
            workers = [int(pid) for pid in subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                                          text=True).stdout.split()]
            load_before = os.getloadavg()[0]
            passes = {"concurrent": run_pass(base, concurrent_queries, True, workers, name)}
            passes["sequential"] = run_pass(base, sequential_queries, False, workers, name)
            load_after = os.getloadavg()[0]
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        harness.http.close()
        with world.env() as env:
            Account = env["amazon.account"]
            connected = {title: Account.search_count([("id", "in", [a.id for a in part]),
                                                      ("sp_state", "=", "connected")])
                         for title, part in (("concurrent", accounts[:n]), ("sequential", accounts[n:]))}
    db.drop_database(name)
    server_log.seek(0)
    server_lwa = {match.group(1): int(match.group(2)) / 1000 for match in LWA_LOG.finditer(server_log.read())}
    server_log.close()
    cores = os.cpu_count() or 1
    line("callbacks per pass / gunicorn workers", f"{n} / {options.workers}")
    line("cores / load average (1 min) before, after", f"{cores} / {load_before:.2f}, {load_after:.2f}")
    per_callback = {}
    for title, queries_of_pass in (("concurrent", concurrent_queries), ("sequential", sequential_queries)):
        results, wall, cpu = passes[title]
        label = f"{title}: {n} callbacks " + ("sent at once" if title == "concurrent" else "one after the other")
        per_callback[title] = report(label, queries_of_pass, results, wall, cpu, server_lwa, recorder,
                                     connected[title])
    print("-- arithmetic (concurrent pass)")
    floor = per_callback["concurrent"] * n / cores
    line(f"CPU floor: {n} x CPU per callback / {cores} cores", f"{floor * 1000:.0f} ms",
         f"the last callbacks cannot finish sooner (target {TARGET_MS} ms)")
    line(f"CPU per callback that p99 < {TARGET_MS} ms allows", f"{TARGET_MS * cores / n:.1f} ms",
         f"measured {per_callback['concurrent'] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
