"""Server configuration: defaults < config file < environment < command line.

The config file is INI with an ``[options]`` section (as Odoo's). Its path is
``-c/--config``, else ``$COQUIAPPS_CONFIG``, else ``<data_dir>/coquiapps.conf``
when that file exists. Environment variables are ``COQUIAPPS_<OPTION>`` in
upper case (``COQUIAPPS_DB_DSN``, ``COQUIAPPS_ADDONS_PATH`` ...).
"""
from __future__ import annotations

import configparser
import os
from dataclasses import dataclass, field
from pathlib import Path


def default_data_dir() -> Path:
    # As root the embedded PostgreSQL runs as its own system user, which must be
    # able to reach the data folder: a system location, never a home folder.
    if os.name == "posix" and os.geteuid() == 0:
        return Path("/var/lib/coquiapps")
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(base) / "coquiapps"


OPTIONS: dict[str, tuple[type, object]] = {
    "data_dir": (str, None),
    "db_dsn": (str, ""),
    "addons_path": (str, ""),
    "http_interface": (str, "127.0.0.1"),
    "http_port": (int, 8069),
    "workers": (int, 0),
    "list_db": (bool, True),
    "db_filter": (str, ".*"),
    "admin_passwd": (str, ""),
    "server_key": (str, ""),
    "log_level": (str, "info"),
    "without_demo": (bool, False),
    "smtp_server": (str, ""),
    "smtp_port": (int, 25),
    "email_from": (str, ""),
    "proxy_mode": (bool, False),
}


def _coerce(kind: type, name: str, value: object):
    if kind is bool and isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(f"option {name}: {value!r} is not a boolean")
    if kind is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValueError(f"option {name}: {value!r} is not a whole number") from None
    return value


@dataclass
class Config:
    """The options in force, and where the config file is (for options saved later)."""

    values: dict = field(default_factory=dict)
    path: Path | None = None

    def __getitem__(self, name: str):
        return self.values[name]

    def get(self, name: str, default=None):
        return self.values.get(name, default)

    @property
    def data_dir(self) -> Path:
        return Path(self.values["data_dir"])

    @property
    def addons_paths(self) -> list[str]:
        return [p.strip() for p in self.values["addons_path"].split(",") if p.strip()]

    def save(self, **updates) -> None:
        """Write options to the config file (creating it), keeping the other entries."""
        self.values.update(updates)
        path = self.path or self.data_dir / "coquiapps.conf"
        parser = configparser.ConfigParser(interpolation=None)
        if path.exists():
            parser.read(path)
        if not parser.has_section("options"):
            parser.add_section("options")
        for key, value in updates.items():
            parser.set("options", key, str(value))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w") as handle:
            parser.write(handle)
        os.chmod(path, 0o600)
        self.path = path


def load(config_file: str | None = None, overrides: dict | None = None, environ=None) -> Config:
    """Build the configuration; ``overrides`` are command-line values (None = not given)."""
    environ = os.environ if environ is None else environ
    values = {name: default for name, (_, default) in OPTIONS.items()}
    env_values = {
        name: environ[f"COQUIAPPS_{name.upper()}"]
        for name in OPTIONS
        if f"COQUIAPPS_{name.upper()}" in environ
    }
    data_dir = (overrides or {}).get("data_dir") or env_values.get("data_dir")
    path = config_file or environ.get("COQUIAPPS_CONFIG")
    if not path:
        candidate = Path(data_dir or default_data_dir()) / "coquiapps.conf"
        path = str(candidate) if candidate.exists() else None
    if path:
        parser = configparser.ConfigParser(interpolation=None)
        if not parser.read(path):
            raise FileNotFoundError(f"config file {path} cannot be read")
        if parser.has_section("options"):
            for key, raw in parser.items("options"):
                if key not in OPTIONS:
                    raise ValueError(f"config file {path}: unknown option {key!r}")
                values[key] = raw
    values.update(env_values)
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    for name, (kind, _) in OPTIONS.items():
        if values[name] is not None:
            values[name] = _coerce(kind, name, values[name])
    values["data_dir"] = str(values["data_dir"] or default_data_dir())
    return Config(values=values, path=Path(path) if path else None)


_current: Config | None = None


def current() -> Config:
    """The process-wide configuration (loaded from file and environment on first use)."""
    global _current
    if _current is None:
        _current = load()
    return _current


def set_current(config: Config) -> None:
    global _current
    _current = config
