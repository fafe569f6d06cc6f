"""``amazon-sandbox``: serve the local Amazon (LWA, consent page, SP-API) until stopped.

The console script and ``python -m amazon_sandbox`` run :func:`main`; an
application may wrap it as its own sub-command (``coquiapps amazon-sandbox``),
passing its program name and where it keeps the sandbox's state by default.
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from .app import Sandbox
from .server import SandboxServer, serve

HELP = "Serve a local Amazon sandbox (Login with Amazon, consent page, SP-API) for tests and demos"


def parser(prog: str = "amazon-sandbox", default_data_dir: str | None = None) -> argparse.ArgumentParser:
    default_note = default_data_dir or "none: in memory"
    cli = argparse.ArgumentParser(prog=prog, description=HELP)
    cli.add_argument("--host", default="127.0.0.1")
    cli.add_argument("--port", type=int, default=8111)
    cli.add_argument("--seed", type=int, default=1)
    cli.add_argument("--time-scale", type=float, default=1.0,
                     help="sandbox seconds per wall second (e.g. 600 for benchmarks)")
    cli.add_argument("--verbose", action="store_true", help="log each request (no query strings)")
    cli.add_argument("--data-dir", dest="data_dir", default=default_data_dir,
                     help="keep the sandbox's state (apps, sellers, links, orders, feeds) here across restarts "
                          f"(default: {default_note}; '': in memory)")
    return cli


def main(argv: list[str] | None = None, prog: str = "amazon-sandbox",
         default_data_dir: str | None = None) -> int:
    """Serve until SIGINT/SIGTERM; returns the exit status."""
    cli = parser(prog, default_data_dir)
    options = cli.parse_args(sys.argv[1:] if argv is None else argv)
    if options.time_scale <= 0:
        cli.error("--time-scale must be positive")
    if options.verbose and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    sandbox = Sandbox(seed=options.seed, time_scale=options.time_scale, data_dir=options.data_dir or None)
    try:
        server = serve(sandbox, host=options.host, port=options.port, verbose=options.verbose)
    except OSError as exc:
        print(f"{prog}: cannot listen on {options.host}:{options.port}: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(describe(server, options.seed, options.time_scale), flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    print(f"{prog}: stopped", flush=True)
    return 0


def describe(server: SandboxServer, seed: int, time_scale: float) -> str:
    """What a client needs: the base URLs, the apps and their secrets, the sellers."""
    sandbox, ends = server.sandbox, server.endpoints
    lines = [
        f"Amazon sandbox on {server.url} (seed {seed}, time scale {time_scale:g})",
        f"  LWA token URL     {ends['lwa_token']}",
        f"  consent base URL  {ends['consent_base']}   (page: /apps/authorize/consent)",
        f"  SP-API NA         {ends['na']}",
        f"  SP-API EU         {ends['eu']}",
        f"  SP-API FE         {ends['fe']}",
        f"  control           {server.url}/_sandbox/state",
        "Apps:",
    ]
    for app in sandbox.apps.values():
        kind = app.kind + (" draft" if app.draft else "")
        lines += [f"  {app.name} [{kind}]", f"    application_id {app.application_id}",
                  f"    client_id      {app.client_id}",
                  f"    client_secret  {app.current_secret().value}",
                  f"    redirect URIs  {', '.join(app.redirect_uris)}"]
    lines.append("Sellers:")
    for seller in sandbox.sellers.values():
        lines.append(f"  {seller.name} [{seller.region}] id {seller.selling_partner_id} "
                     f"password {seller.password} marketplaces {','.join(seller.marketplace_ids)}")
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines)
