"""Amazon/Selling Partner API Patch: the Amazon Connector moved from MWS to SP-API.

Package map: ``spapi/`` the pure SP-API/LWA client; ``models/`` credentials,
tokens, linking, orders, health; ``controllers/`` the OAuth consent pages;
``wizards/`` migration off MWS, private apps, secret rotation; ``cli/`` the
``coquiapps amazon-sandbox`` and ``coquiapps demo`` commands. The local Amazon is
the package ``amazon_sandbox`` beside this module (it imports nothing of it).
"""
from . import controllers, models, wizards  # noqa: F401


def post_init_hook(env):
    """Mark MWS-era accounts as waiting to move, encrypt their MWS keys, tell the admins."""
    from coquiapps import _

    Account = env["amazon.account"].with_context(active_test=False)
    env.cr.execute("SELECT id FROM amazon_account WHERE mws_auth_token IS NOT NULL "
                   "OR aws_secret_key IS NOT NULL OR aws_access_key_id IS NOT NULL")
    legacy_ids = [row[0] for row in env.cr.fetchall()]
    for account in Account.browse(legacy_ids):
        # rewriting the (legacy plaintext) values stores them encrypted
        account.write({name: account[name] for name in ("mws_auth_token", "aws_access_key_id", "aws_secret_key")})
    mws_accounts = Account.search([("sp_state", "=", "not_connected"), ("spapi_app_id", "=", False)])
    if not mws_accounts:
        return
    mws_accounts.write({"sp_state_reason": _("MWS retired: move this account to the Selling Partner API")})
    Account._notify_admins(
        _("Amazon: %s account(s) still on MWS", len(mws_accounts)),
        _("Amazon retired MWS, so these accounts no longer sync: %s. Open each account and use "
          "'Move to Selling Partner API'.", ", ".join(mws_accounts.mapped("name"))),
        record=mws_accounts[:1], level="danger")


def uninstall_hook(env):
    """Give the connector its MWS keys back in clear (it does not know about encryption)."""
    from coquiapps.tools import crypto

    columns = ("mws_auth_token", "aws_access_key_id", "aws_secret_key")
    env.cr.execute("SELECT id, " + ", ".join(columns) + " FROM amazon_account")
    for row in env.cr.fetchall():
        plain = [crypto.decrypt(env, value) for value in row[1:]]
        env.cr.execute("UPDATE amazon_account SET " + ", ".join(f"{c} = %s" for c in columns) + " WHERE id = %s",
                       (*plain, row[0]))
