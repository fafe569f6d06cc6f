"""A line per order synchronisation run of an Amazon account."""
from coquiapps import fields, models

STATES = [("running", "Running"), ("done", "Done"), ("failed", "Failed")]


class AmazonSyncLog(models.Model):
    """What one sync run did: when, how many orders, and the error if it failed."""

    _name = "amazon.sync.log"
    _description = "Amazon Sync Log"
    _order = "date_start desc, id desc"
    _rec_name = "date_start"

    account_id = fields.Many2one("amazon.account", "Account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", related="account_id.company_id", store=True, string="Company")
    source = fields.Char(help="The order source that fetched the orders (e.g. Amazon MWS, SP-API)")
    date_start = fields.Datetime("Start", required=True, default=lambda self: fields.Datetime.now())
    date_end = fields.Datetime("End")
    orders_created = fields.Integer("Orders Created")
    orders_updated = fields.Integer("Orders Updated")
    orders_skipped = fields.Integer("Orders Skipped", help="Pending orders, not imported until Amazon confirms them")
    error = fields.Text()
    state = fields.Selection(STATES, default="running", required=True)
