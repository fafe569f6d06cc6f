"""The coquiapps command line, run as a user runs it (a subprocess)."""
import json
import subprocess
import sys

import pytest

from coquiapps.testing import databases
from coquiapps.testing.addon_factory import unique, write_addon
from coquiapps.tools import config


def cli(*args, stdin=None, extra_paths=()):
    paths = ",".join([config.current()["addons_path"], *map(str, extra_paths)])
    return subprocess.run([sys.executable, "-m", "coquiapps.cli.main", "--addons-path", paths, *args],
                          input=stdin, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def cli_db():
    name = databases.unique_name("cli")
    databases.register(name)
    result = cli("db", "create", name, "--admin-password", "s3cret")
    assert result.returncode == 0, result.stderr
    assert f"created database {name}" in result.stdout and "... installing base" in result.stderr
    return name


def test_db_list_and_duplicate_and_drop(cli_db):
    assert cli_db in cli("db", "list").stdout.split()
    copy = databases.unique_name("clicopy")
    databases.register(copy)
    result = cli("db", "duplicate", cli_db, copy)
    assert result.returncode == 0 and "(neutralized)" in result.stdout
    shell = cli("shell", "-d", copy, stdin="print(env['ir.config_parameter'].get_param('database.is_neutralized'))")
    assert shell.stdout.strip() == "True"
    secrets = [cli("shell", "-d", db, stdin="print(env['ir.config_parameter'].get_param('database.secret'))").stdout
               for db in (cli_db, copy)]
    assert secrets[0] != secrets[1]
    assert cli("db", "drop", copy).returncode == 0
    assert copy not in cli("db", "list").stdout.split()


def test_db_errors_are_one_line(cli_db):
    result = cli("db", "create", cli_db)
    assert result.returncode == 1 and result.stderr.strip().endswith(f"database {cli_db!r} already exists")
    result = cli("db", "create", "bad name!")
    assert result.returncode == 1 and "invalid database name" in result.stderr
    result = cli("db", "drop", "no_such_db_here")
    assert result.returncode == 1 and "does not exist" in result.stderr


def test_module_list_json(cli_db):
    result = cli("module", "list", "-d", cli_db, "--json", "--state", "installed")
    rows = json.loads(result.stdout)
    base = next(r for r in rows if r["name"] == "base")
    assert set(base) == {"name", "display_name", "state", "installed_version", "available_version",
                         "application", "auto_install", "summary"}
    assert base["state"] == "installed" and base["installed_version"].startswith("17.0.")


def test_update_list_install_dry_run_and_uninstall(cli_db, tmp_path):
    name = unique("clim")
    write_addon(tmp_path, name, {"name": "CLI Module", "data": ["data.xml"]}, {
        "data.xml": "<coquiapps><menuitem id='m' name='CLI Menu'/></coquiapps>"})
    broken = unique("clibad")
    write_addon(tmp_path, broken, "{'name': 'x'")
    result = cli("module", "update-list", "-d", cli_db, extra_paths=[tmp_path])
    assert result.returncode == 0
    assert "updated 0, added 2" in result.stdout
    assert f"unreadable manifest: {broken}: __manifest__.py line 1" in result.stdout

    result = cli("module", "install", "-d", cli_db, name, "--dry-run", extra_paths=[tmp_path])
    assert result.returncode == 0, result.stderr
    assert "dry run: nothing was kept" in result.stdout and "menus: CLI Menu" in result.stdout
    listed = json.loads(cli("module", "list", "-d", cli_db, "--json", "--search", name,
                            extra_paths=[tmp_path]).stdout)
    assert listed[0]["state"] == "uninstalled"

    result = cli("module", "install", "-d", cli_db, name, extra_paths=[tmp_path])
    assert result.returncode == 0 and f"installed: {name}" in result.stdout
    result = cli("module", "install", "-d", cli_db, broken, extra_paths=[tmp_path])
    assert result.returncode == 1 and f"module {broken} cannot be installed" in result.stderr
    result = cli("module", "uninstall", "-d", cli_db, name, extra_paths=[tmp_path])
    assert result.returncode == 0 and f"uninstalled: {name}" in result.stdout


def test_shell_commits_piped_code(cli_db):
    cli("shell", "-d", cli_db, stdin="env['res.partner'].create({'name': 'From Shell'})")
    out = cli("shell", "-d", cli_db, stdin="print(env['res.partner'].search_count([('name', '=', 'From Shell')]))")
    assert out.stdout.strip() == "1"


def test_admin_password_was_set(cli_db):
    out = cli("shell", "-d", cli_db, stdin="print(env['res.users']._login('admin', 's3cret'))")
    assert out.stdout.strip() == "2"


def test_unknown_command_and_help():
    result = cli("frobnicate")
    assert result.returncode == 2 and "unknown command 'frobnicate'" in result.stderr
    result = cli("--help")
    assert "db " in result.stdout and "module " in result.stdout and "amazon-sandbox" in result.stdout


def test_db_backup_and_restore(cli_db, tmp_path):
    archive = tmp_path / "backup.zip"
    assert cli("db", "backup", cli_db, str(archive)).returncode == 0
    import zipfile

    assert zipfile.ZipFile(archive).read("dump.dump").startswith(b"PGDMP")
    restored = databases.unique_name("clirest")
    databases.register(restored)
    done = cli("db", "restore", restored, str(archive), "--copy")
    assert done.returncode == 0, done.stderr
    assert restored in cli("db", "list").stdout.split()
    plain = tmp_path / "plain.sql"
    plain.write_text(f"\\! touch {tmp_path / 'pwned'}\n")
    refused = cli("db", "restore", databases.unique_name("clievil"), str(plain))
    assert refused.returncode == 1 and "plain SQL dumps are not restored" in refused.stderr
    assert not (tmp_path / "pwned").exists()
    assert cli("db", "drop", restored).returncode == 0


def test_set_master_password(tmp_path):
    conf = tmp_path / "coquiapps.conf"
    conf.write_text("[options]\n")
    done = cli("-c", str(conf), "db", "set-master-password", stdin="typed-one\n")
    assert done.returncode == 0 and "typed-one" not in done.stdout + done.stderr
    from coquiapps.tools.passwords import verify_password

    assert verify_password("typed-one", config.load(str(conf)).get("admin_passwd"))
    generated = cli("-c", str(conf), "db", "set-master-password", "--generate")
    password = generated.stdout.split("master password: ")[1].split()[0]
    assert verify_password(password, config.load(str(conf)).get("admin_passwd"))
    assert cli("-c", str(conf), "db", "set-master-password", stdin="\n").returncode == 1
