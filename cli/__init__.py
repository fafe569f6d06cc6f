"""Sub-commands contributed by the sale_amazon_spapi addon."""
# pylint: disable=print-used  # a command-line tool reports on stdout
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from coquiapps.cli.command import Command


def _default_data_dir() -> str | None:
    base = os.environ.get("COQUIAPPS_DATA_DIR")
    return os.path.join(base, "amazon-sandbox") if base else None


class AmazonSandboxCommand(Command):
    """Serve the local Amazon sandbox (LWA, consent page, SP-API) until stopped."""

    name = "amazon-sandbox"
    help = "Serve a local Amazon sandbox (Login with Amazon, consent page, SP-API) for tests and demos"

    def run(self, args: list[str]) -> int:
        parser = argparse.ArgumentParser(prog=f"coquiapps {self.name}", description=self.help)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8111)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--time-scale", type=float, default=1.0,
                            help="sandbox seconds per wall second (e.g. 600 for benchmarks)")
        parser.add_argument("--verbose", action="store_true", help="log each request (no query strings)")
        parser.add_argument("--data-dir", dest="data_dir",
                            default=_default_data_dir(),
                            help="keep the sandbox's state (apps, sellers, links, orders, feeds) here across restarts "
                                 "(default: $COQUIAPPS_DATA_DIR/amazon-sandbox; none: in memory)")
        options = parser.parse_args(args)
        if options.time_scale <= 0:
            parser.error("--time-scale must be positive")

        from ..tests.amazon_sandbox import Sandbox, serve

        sandbox = Sandbox(seed=options.seed, time_scale=options.time_scale,
                          data_dir=options.data_dir or None)
        try:
            server = serve(sandbox, host=options.host, port=options.port, verbose=options.verbose)
        except OSError as exc:
            print(f"amazon-sandbox: cannot listen on {options.host}:{options.port}: {exc}", file=sys.stderr)
            return 1
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        self._describe(server, options)
        try:
            while not stop.wait(0.5):
                pass
        finally:
            server.stop()
        print("amazon-sandbox: stopped", flush=True)
        return 0

    @staticmethod
    def _describe(server, options) -> None:
        sandbox, ends = server.sandbox, server.endpoints
        lines = [
            f"Amazon sandbox on {server.url} (seed {options.seed}, time scale {options.time_scale:g})",
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
        print("\n".join(lines), flush=True)
