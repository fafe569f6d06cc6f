"""Access tokens, shared by every worker: one row per account, refreshed once under a lock.

The row is written only in short transactions of its own (see
``amazon.account._sp_access_token``), never in the caller's: a sync that
holds the account row locked must still be able to get a token, and other
workers must see a new token as soon as it exists. No foreign key for the
same reason (an uncommitted account would make the short transaction wait).
"""
from coquiapps import fields, models


class AmazonSpapiToken(models.Model):
    _name = "amazon.spapi.token"
    _description = "SP-API access token cache"
    _log_access = False

    account_id = fields.Integer(required=True, index=True)
    access_token = fields.Char(encrypted=True, password=True, groups="base.group_system", copy=False)
    expires_at = fields.Datetime(microseconds=True)  # a wall second is minutes under a time-scaled sandbox
    refreshed_at = fields.Datetime()
    refresh_count = fields.Integer(help="LWA refresh calls made for this account")

    _sql_constraints = [("account_uniq", "unique(account_id)", "One access token row per account.")]
