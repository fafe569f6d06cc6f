"""Shows a new connect link once, with a copy button (only its hash is stored)."""
from coquiapps import fields, models


class AmazonSpapiLinkWizard(models.TransientModel):
    _name = "amazon.spapi.link.wizard"
    _description = "Amazon connect link"

    account_id = fields.Many2one("amazon.account", required=True, readonly=True)
    url = fields.Char("Connect Link", readonly=True)
    company_name = fields.Char(related="account_id.company_id.name")
