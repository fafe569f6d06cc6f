"""res.users.context_get, activating/deactivating languages, and the vacuum of expired web sessions."""
import os
import subprocess
import sys
import time

import pytest

from coquiapps.exceptions import UserError
from coquiapps.tools import config


def test_context_get(base_env):
    Users = base_env["res.users"]
    admin = base_env.ref("base.user_admin")
    assert Users.with_user(admin).context_get() == {"lang": "en_US", "tz": "UTC", "uid": admin.id}
    base_env.ref("base.lang_fr").action_activate()
    clerk = Users.create({"name": "Zoé", "login": "zoe", "lang": "fr_FR", "tz": "Europe/Paris",
                          "groups_id": [(6, 0, [base_env.ref("base.group_user").id])]})
    assert Users.with_user(clerk).context_get() == {"lang": "fr_FR", "tz": "Europe/Paris", "uid": clerk.id}


def test_languages_in_use_stay_active(base_env):
    french = base_env.ref("base.lang_fr")
    french.action_activate()
    assert french.active and "fr_FR" in base_env["res.lang"]._installed_codes()
    user = base_env["res.users"].create({"name": "Jean", "login": "jean", "lang": "fr_FR"})
    with pytest.raises(UserError, match="cannot be deactivated"):
        french.action_archive()
    user.lang = "en_US"
    french.action_archive()
    assert not french.active
    base_env["res.users"].search([]).write({"lang": "de_DE"})  # nobody uses English any more
    with pytest.raises(UserError, match="At least one language"):
        base_env.ref("base.lang_en").action_archive()


@pytest.fixture
def data_dir(tmp_path):
    previous = config.current()
    config.set_current(config.Config(values={**previous.values, "data_dir": str(tmp_path)},
                                      path=tmp_path / "coquiapps.conf"))
    yield tmp_path
    config.set_current(previous)


def test_vacuum_cleaner_removes_expired_web_sessions(base_env, data_dir):
    from coquiapps.http.sessions import MAX_AGE, FileSessionStore, Session, new_sid

    store = FileSessionStore(data_dir / "sessions")
    old, fresh = Session(new_sid(), {"uid": 1}), Session(new_sid(), {"uid": 2})
    store.save(old)
    store.save(fresh)
    stale = time.time() - MAX_AGE - 60
    os.utime(store._path(old.sid), (stale, stale))
    base_env["ir.cron"]._run_vacuum_cleaner()
    assert not store._path(old.sid).exists() and store._path(fresh.sid).exists()
    assert store.get(fresh.sid)["uid"] == 2


def test_base_loads_without_the_http_layer():
    code = ("import sys, coquiapps.addons.base; "
            "print(sorted(m for m in sys.modules if m.startswith('coquiapps.http')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
