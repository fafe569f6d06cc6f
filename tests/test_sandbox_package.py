"""The Amazon sandbox is a package of its own: it imports nothing of the ERP, and its
``amazon-sandbox`` console script serves until SIGTERM, keeping no state by default."""
import json
import os
import signal
import socket
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import requests

ERP = ("coquiapps", "sale_amazon_spapi")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_imports_nothing_of_the_erp():
    script = ("import json, sys\n"
              "import amazon_sandbox, amazon_sandbox.cli, amazon_sandbox.testing\n"
              f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {ERP!r})))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []


def test_console_script_is_declared():
    scripts = {e.name: e.value for e in metadata.entry_points(group="console_scripts")}
    assert scripts["amazon-sandbox"] == "amazon_sandbox.cli:main"


def test_console_script_serves_and_stops_on_sigterm(tmp_path):
    script = Path(sys.executable).with_name("amazon-sandbox")
    assert script.is_file(), f"{script} is missing: install the project with pip install -e ."
    port = _free_port()
    # the ERP's data dir means nothing to the sandbox on its own: it keeps its state in memory
    env = {**os.environ, "COQUIAPPS_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen([str(script), "--port", str(port), "--seed", "4"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines = []
        for line in proc.stdout:   # until it says it serves (or exits)
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        out = "".join(lines)
        assert out.startswith(f"Amazon sandbox on http://127.0.0.1:{port} (seed 4, time scale 1)"), out
        state = requests.get(f"http://127.0.0.1:{port}/_sandbox/state", timeout=60).json()
        for seller in state["sellers"]:
            assert f"id {seller['selling_partner_id']} password {seller['password']}" in out
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0
        assert "amazon-sandbox: stopped" in proc.stdout.read()
        assert list(tmp_path.iterdir()) == []
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()


def test_bad_time_scale_is_refused():
    done = subprocess.run([sys.executable, "-m", "amazon_sandbox", "--time-scale", "0"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "amazon-sandbox: error: --time-scale must be positive" in done.stderr
