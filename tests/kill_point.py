"""The ``coquiapps`` command line, frozen at a chosen point of an order sync so a test can kill it there.

``python kill_point.py MARKER POINT COQUIAPPS-ARGS...`` runs the real command line in
this process. Once an order sync has begun (its ``amazon_sync_log`` row is inserted),
every SQL statement on sale orders and every commit is a kill point; at the
``POINT``-th one the process writes ``MARKER`` and waits for ever, before running that
statement, so the test's SIGKILL lands exactly there however busy the machine is.
With ``POINT`` 0 it never stops and prints on stderr how many kill points it passed.
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from coquiapps import sql_db
from coquiapps.cli.main import main


def install(marker: Path, point: int) -> dict:
    state = {"began": False, "passed": 0}
    Cursor = sql_db.Cursor
    originals = {name: getattr(Cursor, name) for name in ("execute", "executemany", "execute_values", "commit")}

    def reached() -> None:
        if not state["began"]:
            return
        state["passed"] += 1
        if state["passed"] == point:
            ready = marker.with_name(marker.name + ".tmp")
            ready.write_text(str(os.getpid()))
            ready.replace(marker)  # seen whole or not at all
            threading.Event().wait()  # the test's SIGKILL ends the process here

    def statement(name):
        def hooked(self, query, *args, **kwargs):
            text = query if isinstance(query, str) else query.as_string(self._obj)
            if text.lstrip().upper().startswith("INSERT") and "amazon_sync_log" in text:
                state["began"] = True
            elif "sale_order" in text:
                reached()
            return originals[name](self, query, *args, **kwargs)
        return hooked

    def commit(self):
        reached()
        return originals["commit"](self)

    for name in ("execute", "executemany", "execute_values"):
        setattr(Cursor, name, statement(name))
    Cursor.commit = commit
    return state


if __name__ == "__main__":
    marker_path, stop_at, *argv = sys.argv[1:]
    passed = install(Path(marker_path), int(stop_at))
    try:
        code = main(argv)
    finally:
        if not int(stop_at):
            print(f"kill points passed: {passed['passed']}", file=sys.stderr)
    sys.exit(code)
