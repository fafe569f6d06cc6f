"""Serving the sandbox over real HTTP: a threaded werkzeug server in a daemon thread."""
from __future__ import annotations

import logging
import threading

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import Sandbox


class _QuietHandler(WSGIRequestHandler):
    """Logs method and path only (query strings may carry states or codes), or nothing."""

    verbose = False

    def log_request(self, code="-", size="-"):
        if self.verbose:
            path = self.path.split("?", 1)[0]
            logging.getLogger("amazon_sandbox").info("%s %s %s", self.command, path, code)

    def log_error(self, *args):  # connection drops are deliberate faults
        pass


class _VerboseHandler(_QuietHandler):
    verbose = True


class SandboxServer:
    """A running sandbox: ``url``, ``sandbox``, ``stop()``; also a context manager."""

    def __init__(self, sandbox: Sandbox, host: str, port: int, verbose: bool = False):
        self.sandbox = sandbox
        handler = _VerboseHandler if verbose else _QuietHandler
        self._server = make_server(host, port, sandbox.wsgi_app, threaded=True,
                                   request_handler=handler)
        self._server.daemon_threads = True  # a sleeping timeout fault must not block stop()
        self.host, self.port = host, self._server.server_port
        self.url = f"http://{host}:{self.port}"
        sandbox.base_url = self.url
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"amazon-sandbox-{self.port}", daemon=True)
        self._thread.start()

    @property
    def endpoints(self) -> dict:
        return self.sandbox.endpoints(self.url)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self.sandbox.save()  # the clock as it stands: a restart never runs time back

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def serve(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0,
          verbose: bool = False) -> SandboxServer:
    """Start serving ``sandbox`` on ``host:port`` (0 = a free port) in the background."""
    return SandboxServer(sandbox, host, port, verbose=verbose)
