"""The application connects as a role that owns its databases and is not a superuser."""
import os
import subprocess
import sys
import textwrap

import psycopg2
import pytest

from coquiapps import sql_db
from coquiapps.service import db
from coquiapps.sql_db import dbrole, postgres
from coquiapps.testing import databases
from coquiapps.tools import config


def test_the_application_connection_is_not_a_superuser(base_db):
    with sql_db.cursor(base_db) as cr:
        cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cr.fetchone()[0] is False
        cr.execute("SELECT datdba::regrole::text FROM pg_database WHERE datname = current_database()")
        owner = cr.fetchone()[0]
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
            cr.execute("COPY (SELECT 1) TO PROGRAM 'true'")
        cr.rollback()
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cr.execute("SELECT pg_read_file('/etc/passwd')")
        cr.rollback()
    if not postgres.uses_external_server():
        assert owner == dbrole.APP_ROLE


def test_duplicate_backup_restore_drop_as_the_role(base_db):
    from coquiapps.service import backup

    copy = databases.unique_name("rolecopy")
    databases.register(copy)
    db.duplicate_database(base_db, copy)
    data = backup.backup(copy)
    restored = databases.unique_name("rolerest")
    databases.register(restored)
    backup.restore(restored, data, copy=True)
    with sql_db.cursor(restored) as cr:
        cr.execute("SELECT count(*) FROM res_users")
        assert cr.fetchone()[0] >= 1
        cr.execute("""SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname = 'public' AND c.relowner <> (SELECT oid FROM pg_roles
                                                                    WHERE rolname = current_user)""")
        assert cr.fetchone()[0] == 0  # every restored object belongs to the application role
    db.drop_database(restored)
    db.drop_database(copy)
    assert not db.exists(copy) and not db.exists(restored)


OLD_STATE = textwrap.dedent("""
    # Put the data dir back as the old code left it: every database and object owned by postgres.
    import sys, psycopg2
    from coquiapps.sql_db import postgres
    postgres.connection_params("postgres")  # starts the server (and makes the role)
    params = {**postgres.connection_params("postgres"), "user": "postgres"}
    def run(dbname, *statements):
        cnx = psycopg2.connect(**{**params, "dbname": dbname}); cnx.autocommit = True
        with cnx.cursor() as cr:
            for statement in statements:
                cr.execute(statement)
        cnx.close()
    name = sys.argv[1]
    run(name, "REASSIGN OWNED BY coquiapps TO postgres")
    run("postgres", f'ALTER DATABASE "{name}" OWNER TO postgres', "REASSIGN OWNED BY coquiapps TO postgres",
        "DROP OWNED BY coquiapps", "DROP ROLE coquiapps")
    cnx = psycopg2.connect(**params)
    with cnx.cursor() as cr:
        cr.execute("SELECT datdba::regrole::text FROM pg_database WHERE datname = %s", (name,))
        print(name, "owned by", cr.fetchone()[0])
""")

REPORT = textwrap.dedent("""
    import sys, psycopg2
    from coquiapps.sql_db import postgres
    params = {**postgres.connection_params("postgres"), "user": "postgres"}
    cnx = psycopg2.connect(**{**params, "dbname": sys.argv[1]})
    with cnx.cursor() as cr:
        cr.execute("SELECT datdba::regrole::text FROM pg_database WHERE datname = current_database()")
        print("database", cr.fetchone()[0])
        cr.execute('''SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname = 'public' AND c.relowner = 'postgres'::regrole''')
        print("postgres-owned", cr.fetchone()[0])
        cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = 'coquiapps'")
        print("role-super", cr.fetchone()[0])
""")


@pytest.mark.skipif(bool(os.environ.get("COQUIAPPS_DB_DSN") or os.environ.get("PGHOST")),
                    reason="the embedded PostgreSQL's bootstrap superuser is needed")
def test_a_data_dir_of_the_old_code_is_migrated_once(tmp_path):
    env = {**os.environ, "COQUIAPPS_DATA_DIR": str(tmp_path / "data"),
           "COQUIAPPS_ADDONS_PATH": config.current()["addons_path"]}

    def run(*args, code=None):
        argv = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "coquiapps.cli.main", *args]
        result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        return result

    run("db", "create", "legacy")
    assert "legacy owned by postgres" in run("legacy", code=OLD_STATE).stdout
    listed = run("db", "list")
    assert "legacy" in listed.stdout.split()
    assert "migrating database legacy: owner postgres -> coquiapps" in listed.stderr
    report = run("legacy", code=REPORT).stdout
    assert "database coquiapps" in report and "postgres-owned 0" in report and "role-super False" in report
    # once: the next start has nothing to migrate; the role can duplicate and drop the migrated database
    again = run("db", "duplicate", "legacy", "legacy_copy")
    assert "migrating" not in again.stderr
    assert "legacy_copy" in run("db", "list").stdout.split()
    run("db", "drop", "legacy_copy")
    run("db", "drop", "legacy")


def test_a_superuser_dsn_is_reported_loudly(monkeypatch, caplog):
    if postgres.uses_external_server():
        pytest.skip("needs the embedded server's bootstrap superuser")
    params = postgres.connection_params("postgres")
    monkeypatch.setitem(config.current().values, "db_dsn",
                        f"host={params['host']} port={params['port']} user=postgres dbname=postgres")
    cnx = sql_db.admin_connection()
    cnx.close()
    assert "SECURITY: the application connects to PostgreSQL as 'postgres', a SUPERUSER" in caplog.text
