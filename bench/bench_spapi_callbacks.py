"""200 concurrent consent callbacks (distinct accounts) through `coquiapps server --workers 4`.

Target: p99 < 300 ms (the sandbox answers LWA in about a millisecond), every account
connected, no error.
"""
import argparse
import concurrent.futures
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).parent))
import requests  # noqa: E402
from _common import line  # noqa: E402

from coquiapps.modules import discovery  # noqa: E402
from coquiapps.service import db  # noqa: E402
from coquiapps.tools import config  # noqa: E402

discovery.discover(config.current().addons_paths)
from coquiapps.addons.sale_amazon_spapi.tests.amazon_sandbox.testing import running  # noqa: E402
from coquiapps.addons.sale_amazon_spapi.tests.spapi_world import World, confirm_on_amazon  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--callbacks", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    options = parser.parse_args()
    name = "bench_callbacks"
    if db.exists(name):
        db.drop_database(name)
    db.create_database(name, modules=["sale_amazon"])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running(seed=21) as harness:
        import coquiapps.addons.sale_amazon_spapi.tests.spapi_world as spapi_world

        spapi_world.BASE_URL, spapi_world.CALLBACK = base, f"{base}/amazon_spapi/callback"
        world = World(harness, name)
        with world.env() as env:
            app = world.make_app(env)
            accounts = [world.make_account(env, app, name=f"Bench {i}") for i in range(options.callbacks)]
            urls = [account._sp_consent_url() for account in accounts]
        # distinct accounts are distinct sellers: each has its own usage plan at Amazon
        sellers = [harness.control("POST", "sellers", {"region": "NA", "marketplace_ids": ["ATVPDKIKX0DER"]})
                   for _ in urls]
        queries = [confirm_on_amazon(harness, url, seller=seller) for url, seller in zip(urls, sellers, strict=True)]
        server = subprocess.Popen([sys.executable, "-m", "coquiapps.cli.main", "server", "-d", name,
                                   "--http-port", str(port), "--workers", str(options.workers), "--no-cron"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    requests.get(f"{base}/web/webclient/version_info", timeout=1)
                    break
                except requests.ConnectionError:
                    time.sleep(0.2)

            def call(query):
                started = time.perf_counter()
                response = requests.get(f"{base}/amazon_spapi/callback?{urlencode(query)}", timeout=30)
                return time.perf_counter() - started, response.status_code, 'data-outcome="connected"' in response.text

            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(max_workers=options.callbacks) as pool:
                results = list(pool.map(call, queries))
            wall = time.perf_counter() - started
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        with world.env() as env:
            connected = env["amazon.account"].search_count([("sp_state", "=", "connected")])
    db.drop_database(name)
    latencies = sorted(r[0] for r in results)
    errors = sum(1 for r in results if r[1] != 200 or not r[2])
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    line("callbacks / gunicorn workers", f"{len(results)} / {options.workers}")
    line("p50 latency", f"{statistics.median(latencies) * 1000:.0f} ms")
    line("p99 latency", f"{p99 * 1000:.0f} ms", "target < 300 ms")
    line("wall time for all", f"{wall:.2f} s")
    line("accounts connected", f"{connected} of {len(results)}")
    line("errors", str(errors), "target 0")
    print(f"(cores: {os.cpu_count()})")


if __name__ == "__main__":
    main()
