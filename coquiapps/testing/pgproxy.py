"""A PostgreSQL outage on demand: a TCP proxy in front of the test run's PostgreSQL.

Processes started with :meth:`PgProxy.dsn` as their ``db_dsn`` reach
PostgreSQL through ``127.0.0.1:<port>``. :meth:`PgProxy.cut` drops every
connection at once (as a restart or a network cut does) and turns new ones
away until :meth:`PgProxy.restore`. The test's own connections do not go
through it, so the test can prepare rows while the application is cut off.
"""
from __future__ import annotations

import socket
import threading

import psycopg2.extensions

from coquiapps.sql_db import postgres

CHUNK = 65536


class PgProxy:
    """Forwards ``127.0.0.1:<port>`` to PostgreSQL (its unix socket, or its TCP address)."""

    def __init__(self):
        params = postgres.connection_params("postgres")
        self._params = {k: v for k, v in params.items() if k not in ("dbname", "host", "port")}
        host, port = params.get("host") or "/var/run/postgresql", int(params.get("port") or 5432)
        if host.startswith("/"):
            self._target = (socket.AF_UNIX, f"{host}/.s.PGSQL.{port}")
        else:
            self._target = (socket.AF_INET, (host, port))
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open = True
        self._sockets: set[socket.socket] = set()
        self._closed = False
        threading.Thread(target=self._accept, name="pgproxy-accept", daemon=True).start()

    def dsn(self) -> str:
        """The libpq DSN of PostgreSQL through this proxy (user and password as the test run's)."""
        return psycopg2.extensions.make_dsn(host="127.0.0.1", port=self.port, **self._params)

    # -- outage ---------------------------------------------------------------------
    def cut(self) -> None:
        """Drop every proxied connection now and refuse new ones (they are closed on arrival)."""
        with self._lock:
            self._open = False
            doomed, self._sockets = self._sockets, set()
        for sock in doomed:
            _drop(sock)

    def restore(self) -> None:
        """Let connections through again."""
        with self._lock:
            self._open = True

    def close(self) -> None:
        self._closed = True
        self.cut()
        _drop(self._listener)

    # -- forwarding -----------------------------------------------------------------
    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _addr = self._listener.accept()
            except OSError:
                return
            with self._lock:
                admitted = self._open
            if not admitted:
                _drop(client)
                continue
            upstream = socket.socket(self._target[0], socket.SOCK_STREAM)
            try:
                upstream.connect(self._target[1])
            except OSError:
                _drop(client)
                _drop(upstream)
                continue
            with self._lock:
                if not self._open:  # cut while connecting
                    _drop(client)
                    _drop(upstream)
                    continue
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(CHUNK)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        _drop(source)
        _drop(sink)
        with self._lock:
            self._sockets.discard(source)
            self._sockets.discard(sink)


def _drop(sock: socket.socket) -> None:
    """Shut down (waking any thread blocked on it, the peer sees EOF) and close."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
