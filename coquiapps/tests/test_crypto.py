"""Secret fields are encrypted at rest and unreadable on a duplicated database."""
import pytest

from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.orm.domain import DomainError
from coquiapps.service import db
from coquiapps.testing import databases
from coquiapps.tools import crypto


def test_value_is_encrypted_in_the_table(env):
    vault = env["test.orm.vault"].create({"name": "v", "token": "Atzr|super-secret"})
    env.cr.execute("SELECT token FROM test_orm_vault WHERE id = %s", (vault.id,))
    stored = env.cr.fetchone()[0]
    assert stored.startswith("enc1:") and "super-secret" not in stored
    env.cr.cache.clear()
    assert vault.token == "Atzr|super-secret"
    assert vault.read(["token"])[0]["token"] is False
    with pytest.raises(DomainError, match="encrypted"):
        env["test.orm.vault"].search([("token", "=", "Atzr|super-secret")])
    assert env["test.orm.vault"].search([("token", "!=", False), ("id", "=", vault.id)]) == vault


def test_duplicate_cannot_read_the_original_secrets(full_db):
    source = databases.copy_of(full_db, "vault_src")
    with sql_db.cursor(source) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(source))
        vault_id = env["test.orm.vault"].create({"name": "v", "token": "keep-me"}).id
    target = databases.unique_name("vault_dup")
    databases.register(target)
    db.duplicate_database(source, target)
    with sql_db.cursor(target) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(target))
        vault = env["test.orm.vault"].browse(vault_id)
        assert vault.name == "v" and vault.token is False
        vault.token = "fresh on staging"
        env.cr.cache.clear()
        assert vault.token == "fresh on staging"


def test_reencrypt_with_a_new_key(env):
    vault = env["test.orm.vault"].create({"name": "v", "token": "rotate me"})
    secret = crypto._database_secret(env.cr)
    old, new = crypto.derive(crypto.server_key(), secret), crypto.derive("another key", secret)
    assert crypto.reencrypt(env.cr, old, new, "test_orm_vault", "token") >= 1
    env.cr.execute("SELECT token FROM test_orm_vault WHERE id = %s", (vault.id,))
    stored = env.cr.fetchone()[0]
    assert new.decrypt(stored[5:].encode()) == b"rotate me"
