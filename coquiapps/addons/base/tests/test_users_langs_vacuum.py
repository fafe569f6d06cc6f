"""res.users.context_get, activating/deactivating languages, and base loading without the HTTP layer."""
import subprocess
import sys

import pytest

from coquiapps.exceptions import UserError


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


def test_base_loads_without_the_http_layer():
    code = ("import sys, coquiapps.addons.base; "
            "print(sorted(m for m in sys.modules if m.startswith('coquiapps.http')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
