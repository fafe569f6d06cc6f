"""``coquiapps server``: answers HTTP, runs the scheduler, stops cleanly on SIGTERM."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client

import pytest

from coquiapps.testing import databases
from coquiapps.tools import config

WAIT = 120  # seconds: bounds a hang only, never asserts speed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def command(*args):
    cfg = config.current()
    base = [sys.executable, "-m", "coquiapps.cli.main", "--addons-path", cfg["addons_path"],
            "--data-dir", str(cfg.data_dir)]
    if cfg.get("db_dsn"):
        base += ["--db-dsn", cfg["db_dsn"]]
    return base + list(args)


@pytest.fixture(scope="module")
def server_db(base_db):
    return databases.copy_of(base_db, "srv")


def wait_until_up(url, proc, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}: {proc.stdout.read()}")
        try:
            return xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").version()
        except OSError:
            time.sleep(0.1)
    raise AssertionError("server did not answer in time")


def start(*args):
    return subprocess.Popen(command("server", *args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)


def finish(proc):
    """Make sure nothing is left behind, whatever happened."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(WAIT)
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # workers or the cron process, if any survived
    except ProcessLookupError:
        pass
    proc.stdout.close()


def json_post(url, payload):
    req = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=WAIT) as answer:
        return json.loads(answer.read())


def group_alive(pgid) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("workers", [2, 0])
def test_server_serves_and_stops_on_sigterm(server_db, workers):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start("-d", server_db, "--http-port", str(port), "--http-interface", "127.0.0.1",
                 "--workers", str(workers))
    try:
        info = wait_until_up(url, proc)
        assert info["server_version"] == "17.0"
        uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(server_db, "admin", "admin", {})
        assert uid
        for _ in range(4):  # several requests: more than one worker may answer
            assert xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object").execute_kw(
                server_db, uid, "admin", "res.users", "search_count", [[]]) >= 1
        try:
            answer = json_post(f"{url}/web/webclient/version_info",
                               {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1})
            assert answer["result"]["server_serie"] == "17.0"
        except urllib.error.HTTPError as exc:  # the web layer may not be complete yet
            assert exc.code == 404
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(WAIT) == 0
        deadline = time.monotonic() + WAIT
        while group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not group_alive(proc.pid), "a worker or the cron process outlived the server"
        output = proc.stdout.read()
        assert f"http://127.0.0.1:{port}/" in output
    finally:
        finish(proc)


def test_first_start_makes_and_prints_the_master_password_once(server_db, base_db, tmp_path):
    conf = tmp_path / "coquiapps.conf"
    conf.write_text("[options]\n")
    port = free_port()
    proc = subprocess.Popen(command("-c", str(conf), "server", "-d", server_db, "--http-port", str(port),
                                    "--no-cron"),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        password = None
        for line in proc.stdout:  # printed before the server starts listening
            if "master password is:" in line:
                password = line.split("master password is:")[1].strip()
                break
        assert password, "no master password printed"
        stored = config.load(str(conf)).get("admin_passwd")
        assert stored.startswith("scrypt$") and password not in conf.read_text()
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, proc)
        dbs = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/db")
        with pytest.raises(xmlrpc.client.Fault, match="Wrong master password"):
            dbs.drop("not-it", "no_such_database_here")
        assert dbs.drop(password, "no_such_database_here") is False  # accepted; nothing to drop
        # -d: the other database does not exist for any service of this server
        assert dbs.db_exist(server_db) is True and dbs.db_exist(base_db) is False
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        uid = common.login(server_db, "admin", "admin")
        models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
        with pytest.raises(xmlrpc.client.Fault, match="Access Denied"):
            models.execute_kw(base_db, uid, "admin", "res.users", "context_get", [])
    finally:
        finish(proc)
