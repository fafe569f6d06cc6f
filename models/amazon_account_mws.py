"""Whether an account still holds MWS keys: the retired API's fields and the move off it show only then."""
from coquiapps import fields, models


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    # the MWS keys of the connector are secrets too: encrypted at rest from now on
    mws_auth_token = fields.Char(encrypted=True)
    aws_access_key_id = fields.Char(encrypted=True)
    aws_secret_key = fields.Char(encrypted=True)
    sp_has_mws_keys = fields.Boolean(
        "MWS Keys Stored", compute="_compute_sp_has_mws_keys",
        help="The account still holds MWS credentials: it can be moved to the Selling Partner API")

    def _compute_sp_has_mws_keys(self):
        # the keys are for system administrators only (and encrypted): whether a column is filled
        # is all that is asked, whoever looks at the account
        stored = set()
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM amazon_account WHERE id IN %s AND (mws_auth_token IS NOT NULL "
                "OR aws_access_key_id IS NOT NULL OR aws_secret_key IS NOT NULL)", (tuple(self.ids),))
            stored = {row[0] for row in self.env.cr.fetchall()}
        for account in self:
            account.sp_has_mws_keys = account.id in stored
