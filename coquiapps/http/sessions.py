"""Server-side sessions, stored as JSON files under ``<data_dir>/sessions``.

The browser only holds an opaque random id (cookie ``session_id``, HttpOnly,
SameSite=Lax). A session is rotated (new id) on login and logout so an id
seen before authentication is worthless afterwards.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import MutableMapping
from pathlib import Path

SID_RE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
MAX_AGE = 7 * 24 * 3600
COOKIE_NAME = "session_id"


class Session(MutableMapping):
    """Dict-like session data with ``uid``, ``db``, ``login``, ``debug``, ``context``."""

    def __init__(self, sid: str, data: dict | None = None, new: bool = False):
        self.sid = sid
        self.data = dict(data or {})
        self.new = new
        self.modified = False
        self.deleted_sids: list[str] = []

    # -- mapping -----------------------------------------------------------
    def __getitem__(self, key):
        return self.data[key]

    def __setitem__(self, key, value):
        self.data[key] = value
        self.modified = True

    def __delitem__(self, key):
        del self.data[key]
        self.modified = True

    def __iter__(self):
        return iter(self.data)

    def __len__(self):
        return len(self.data)

    def __getattr__(self, name):
        if name in ("uid", "db", "login", "debug", "context"):
            return self.data.get(name)
        raise AttributeError(name)

    # -- life cycle --------------------------------------------------------
    def rotate(self) -> None:
        """Give the session a new id (the old file is removed when saved)."""
        self.deleted_sids.append(self.sid)
        self.sid = new_sid()
        self.modified = True

    def authenticate(self, db: str, uid: int, login: str, context: dict | None = None) -> None:
        """Record a successful login (rotating the id)."""
        self.rotate()
        keep = {k: self.data[k] for k in ("debug",) if k in self.data}
        self.data = {**keep, "db": db, "uid": uid, "login": login, "context": dict(context or {})}
        self.modified = True

    def logout(self, keep_db: bool = True) -> None:
        """Forget the user (and the database unless ``keep_db``)."""
        keep = {k: self.data[k] for k in ("debug",) if k in self.data}
        if keep_db and self.data.get("db"):
            keep["db"] = self.data["db"]
        self.rotate()
        self.data = keep


def new_sid() -> str:
    return secrets.token_urlsafe(36)


class FileSessionStore:
    """Sessions as files named by their id; old ones are vacuumed now and then."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _path(self, sid: str) -> Path:
        return self.folder / sid[:2] / sid

    def new(self) -> Session:
        return Session(new_sid(), new=True)

    def get(self, sid: str | None) -> Session:
        """The session of this cookie value, or a new one when unknown, expired or malformed."""
        if not sid or not SID_RE.match(sid):
            return self.new()
        path = self._path(sid)
        try:
            if time.time() - path.stat().st_mtime > MAX_AGE:
                path.unlink(missing_ok=True)
                return self.new()
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            return self.new()
        return Session(sid, data)

    def save(self, session: Session) -> None:
        for old in session.deleted_sids:
            self._path(old).unlink(missing_ok=True)
        session.deleted_sids = []
        path = self._path(session.sid)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(session.data, default=str))
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        session.modified = False
        session.new = False

    def touch(self, session: Session) -> None:
        """Keep an unchanged session alive (its age is counted from the last use)."""
        try:
            os.utime(self._path(session.sid))
        except OSError:
            pass

    def vacuum(self) -> int:
        """Remove expired session files; returns how many."""
        removed, now = 0, time.time()
        if not self.folder.is_dir():
            return 0
        for path in self.folder.glob("*/*"):
            try:
                if now - path.stat().st_mtime > MAX_AGE:
                    path.unlink()
                    removed += 1
            except OSError:
                pass
        return removed


def default_store(config=None) -> FileSessionStore:
    """The session store of this server: ``<data_dir>/sessions``."""
    if config is None:
        from coquiapps.tools import config as config_mod

        config = config_mod.current()
    return FileSessionStore(Path(config.data_dir) / "sessions")
