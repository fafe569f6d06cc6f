"""Shows a new connect link once, with a copy button.

The link row (``amazon.spapi.connect.link``) keeps only a hash of the token; the full
link lives here only to be shown, in an encrypted column: the wizard row outlives the
dialog until the transient cleanup and goes into backups and duplicates, where the
link must not be readable.
"""
from coquiapps import fields, models


class AmazonSpapiLinkWizard(models.TransientModel):
    _name = "amazon.spapi.link.wizard"
    _description = "Amazon connect link"

    account_id = fields.Many2one("amazon.account", required=True, readonly=True)
    url = fields.Char("Connect Link", readonly=True, encrypted=True, copy=False)
    company_name = fields.Char(related="account_id.company_id.name")
