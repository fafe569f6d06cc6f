"""XML-RPC ``execute_kw`` reading 100 records. Target: server time < 30 ms.

Server time is measured inside the server (around ``rpc.wsgi_app``); the
client's round trip over 127.0.0.1 is printed beside it.
"""
import os
import sys
import threading
import time
import xmlrpc.client
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import best, line, median  # noqa: E402
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from coquiapps import sql_db  # noqa: E402
from coquiapps.service import db, rpc  # noqa: E402

RUNS = 50
server_times: list[float] = []


def timed_app(environ, start_response):
    started = time.perf_counter()
    body = b"".join(rpc.wsgi_app(environ, start_response))
    server_times.append(time.perf_counter() - started)
    return [body]


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def main() -> None:
    name = f"bench_rpc_{os.getpid()}"
    db.create_database(name)
    httpd = None
    try:
        with sql_db.cursor(name) as cr:
            cr.execute("INSERT INTO res_partner (name, email, city, active) SELECT 'Partner ' || i, "
                       "'p' || i || '@example.com', 'City', true FROM generate_series(1, 100) i")
        httpd = make_server("127.0.0.1", 0, timed_app, threaded=True, request_handler=QuietHandler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{httpd.server_port}/xmlrpc/2"
        uid = xmlrpc.client.ServerProxy(f"{url}/common").authenticate(name, "admin", "admin", {})
        models = xmlrpc.client.ServerProxy(f"{url}/object")
        ids = models.execute_kw(name, uid, "admin", "res.partner", "search", [[("city", "=", "City")]])
        assert len(ids) == 100
        fields = ["name", "email", "city", "active", "create_date", "write_date"]
        models.execute_kw(name, uid, "admin", "res.partner", "read", [ids], {"fields": fields})  # warm-up
        server_times.clear()
        client = []
        for _ in range(RUNS):
            started = time.perf_counter()
            rows = models.execute_kw(name, uid, "admin", "res.partner", "read", [ids], {"fields": fields})
            client.append(time.perf_counter() - started)
            assert len(rows) == 100
        print(f"XML-RPC execute_kw read of 100 res.partner records ({len(fields)} fields), {RUNS} runs")
        line("server time, median", f"{median(server_times) * 1000:.1f} ms", "(target < 30 ms)")
        line("server time, best", f"{best(server_times) * 1000:.1f} ms")
        line("client round trip, median", f"{median(client) * 1000:.1f} ms")
    finally:
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        db.drop_database(name)


if __name__ == "__main__":
    main()
