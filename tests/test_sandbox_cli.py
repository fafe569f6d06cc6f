"""The ``amazon-sandbox`` sub-command serves until SIGTERM and prints what clients need."""
import os
import re
import signal
import socket
import subprocess
import sys
import time

import requests

from coquiapps.cli.command import Command

SCRIPT = (
    "import sys\n"
    "from coquiapps.modules import discovery\n"
    "discovery.discover()\n"
    "from coquiapps.addons.sale_amazon_spapi.cli import AmazonSandboxCommand\n"
    "sys.exit(AmazonSandboxCommand().run(sys.argv[1:]))\n"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_command_is_registered():
    from coquiapps.addons.sale_amazon_spapi.cli import AmazonSandboxCommand

    assert Command.registry["amazon-sandbox"] is AmazonSandboxCommand
    assert AmazonSandboxCommand.help


def test_serves_prints_and_stops_on_sigterm():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, "--port", str(port), "--seed", "3", "--time-scale", "600"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ},
    )
    try:
        lines = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        out = "".join(lines)
        assert f"http://127.0.0.1:{port}/auth/o2/token" in out
        assert f"http://127.0.0.1:{port}/na" in out and f"http://127.0.0.1:{port}/fe" in out
        state = requests.get(f"http://127.0.0.1:{port}/_sandbox/state", timeout=60).json()
        for app in state["apps"]:
            assert app["client_id"] in out and app["client_secret"] in out
        for seller in state["sellers"]:
            assert re.search(rf"{seller['selling_partner_id']} password {re.escape(seller['password'])}", out)
        assert state["time_scale"] == 600
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
