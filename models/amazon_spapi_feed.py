"""One feed sent to Amazon (Feeds API 2021-06-30): what it carried, where it is, what Amazon answered."""
from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError

FEED_STATES = [
    ("new", "Prepared"),            # committed before Amazon is called: the crash-safe point
    ("documented", "Document Created"),
    ("IN_QUEUE", "In Queue"),
    ("IN_PROGRESS", "In Progress"),
    ("DONE", "Done"),
    ("FATAL", "Fatal"),
    ("CANCELLED", "Cancelled"),
    ("abandoned", "Never Submitted"),
]
IN_FLIGHT = ("new", "documented", "IN_QUEUE", "IN_PROGRESS")
FINISHED = ("DONE", "FATAL", "CANCELLED", "abandoned")


class AmazonSpapiFeed(models.Model):
    """A feed record: kept for support with its document and Amazon's processing report.

    Created and committed before any Amazon call (state ``new``); the feed id
    is committed right after ``createFeed``; the report is stored when read.
    ``message_map`` maps each message id of the document to the record it
    carries, so the report's results go back to their delivery, order or offer.
    """

    _name = "amazon.spapi.feed"
    _description = "Amazon SP-API Feed"
    _order = "id desc"

    name = fields.Char("Reference", required=True, readonly=True)
    account_id = fields.Many2one("amazon.account", "Amazon Account", required=True, index=True,
                                 ondelete="cascade", readonly=True)
    kind = fields.Selection([("shipments", "Shipment Confirmations"), ("cancellations", "Cancellations"),
                             ("stock", "FBM Quantities")], required=True, readonly=True, index=True)
    feed_type = fields.Char(required=True, readonly=True)
    feed_id = fields.Char("Amazon Feed ID", readonly=True, index=True, copy=False)
    input_document_id = fields.Char("Feed Document ID", readonly=True, copy=False)
    result_document_id = fields.Char("Report Document ID", readonly=True, copy=False)
    state = fields.Selection(FEED_STATES, "Status", default="new", required=True, readonly=True, index=True)
    marketplace_ids = fields.Char("Marketplaces", readonly=True)
    message_count = fields.Integer("Messages", readonly=True)
    error_count = fields.Integer("Messages with Errors", readonly=True)
    message_map = fields.Json(readonly=True, copy=False,
                              help="Message id -> id of the record it carries")
    document = fields.Binary("Feed Document", readonly=True, attachment=False, copy=False)
    report = fields.Binary("Processing Report", readonly=True, attachment=False, copy=False)
    document_filename = fields.Char(compute="_compute_filenames")
    report_filename = fields.Char(compute="_compute_filenames")
    summary = fields.Text("Amazon's Summary", readonly=True)
    date_submitted = fields.Datetime("Submitted", readonly=True)
    date_checked = fields.Datetime("Last Checked", readonly=True)
    date_done = fields.Datetime("Finished", readonly=True)

    def _compute_filenames(self):
        """Download names of the two XML documents: ``<reference>-feed.xml``, ``<reference>-report.xml``."""
        for feed in self:
            stem = (feed.name or f"feed-{feed.id}").replace("/", "-")
            feed.document_filename = f"{stem}-feed.xml"
            feed.report_filename = f"{stem}-report.xml"

    def _records(self):
        """The records this feed carries (deliveries, orders or offers)."""
        from coquiapps.addons.sale_amazon.models.amazon_outbound import OUTBOUND_KINDS

        self.ensure_one()
        ids = sorted({int(rid) for rid in (self.message_map or {}).values()})
        return self.env[OUTBOUND_KINDS[self.kind].model].browse(ids)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_flight(self):
        """A feed whose result is awaited is the only link to its records' outcome: keep it."""
        if self.filtered(lambda feed: feed.state in IN_FLIGHT):
            raise UserError(_("A feed still processing at Amazon cannot be deleted: its results are awaited."))
