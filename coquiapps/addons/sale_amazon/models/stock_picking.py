"""Deliveries of Amazon orders: their Amazon sync state, and what Amazon needs to confirm them."""
from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError

from .amazon_outbound import OUTBOUND_STATES


class StockPicking(models.Model):
    """A delivery of an FBM Amazon order is confirmed to Amazon once validated (carrier, tracking)."""

    _inherit = "stock.picking"

    amazon_account_id = fields.Many2one("amazon.account", "Amazon Account", index=True, readonly=True,
                                        ondelete="restrict", help="Set from the Amazon order")
    amazon_sync_state = fields.Selection(OUTBOUND_STATES, "Amazon Sync", default="none", required=True,
                                         copy=False, readonly=True, index=True,
                                         help="Where the shipment confirmation to Amazon is")
    amazon_sync_message = fields.Text("Amazon Message", copy=False, readonly=True)
    amazon_sync_date = fields.Datetime("Amazon Sync Date", copy=False, readonly=True)
    amazon_feed_ref = fields.Char("Amazon Feed", copy=False, readonly=True,
                                  help="The Amazon feed that carried the confirmation")

    @api.model_create_multi
    def create(self, vals_list):
        """A delivery of an Amazon order belongs to the order's Amazon account."""
        single = isinstance(vals_list, dict)
        vals_list = [vals_list] if single else vals_list
        order_ids = {vals["sale_id"] for vals in vals_list if vals.get("sale_id") and "amazon_account_id" not in vals}
        if order_ids:
            accounts = {o.id: o.amazon_account_id.id for o in self.env["sale.order"].browse(list(order_ids))}
            for vals in vals_list:
                if vals.get("sale_id") and "amazon_account_id" not in vals:
                    vals["amazon_account_id"] = accounts[vals["sale_id"]] or False
        pickings = super().create(vals_list)
        return pickings[0] if single else pickings

    def _amazon_confirms(self) -> bool:
        """Whether validating this delivery is confirmed to Amazon (an FBM Amazon order's, unless
        Amazon already reports it shipped)."""
        self.ensure_one()
        return (bool(self.amazon_account_id) and self.sale_id.amazon_channel != "fba"
                and not self.env.context.get("amazon_shipped_on_amazon"))

    def _check_can_validate(self) -> None:
        """Amazon confirms a shipment with its carrier and tracking number, and each item once."""
        super()._check_can_validate()
        if not self._amazon_confirms():
            return
        missing = [label for label, value in ((_("a carrier"), self.carrier_id),
                                              (_("a tracking reference"), self.carrier_tracking_ref)) if not value]
        if missing:
            raise UserError(_("%(name)s is a delivery of the Amazon order %(ref)s: set %(missing)s before "
                              "validating it. Amazon confirms the shipment with them.", name=self.name,
                              ref=self.sale_id.amazon_order_ref, missing=_(" and ").join(missing)))
        for move in self._moves_to_do():
            if 0 < move.quantity < move.product_uom_qty:
                raise UserError(_(
                    "%(name)s: Amazon confirms an order item once, so the %(demand)s of %(product)s (order "
                    "item %(item)s) ship together. Set its quantity to %(demand)s, or to 0 to ship it all in "
                    "a backorder.", name=self.name, demand=move.product_uom_qty,
                    product=move.product_id.display_name, item=move.sale_line_id.amazon_item_ref or "?"))

    def _action_done(self) -> None:
        """A validated FBM Amazon delivery is queued for confirmation to Amazon."""
        super()._action_done()
        confirming = self.filtered(lambda p: p._amazon_confirms())
        if confirming:
            confirming.write({"amazon_sync_state": "pending", "amazon_sync_message": False,
                              "amazon_sync_date": fields.Datetime.now()})

    def action_amazon_retry(self):
        """Retry button: send a refused confirmation again (after fixing what Amazon said)."""
        for picking in self:
            if picking.amazon_sync_state != "error":
                raise UserError(_("%s was not refused by Amazon: there is nothing to retry.") % picking.name)
            if not (picking.carrier_id and picking.carrier_tracking_ref):
                raise UserError(_("%s needs a carrier and a tracking reference before it is sent again.")
                                % picking.name)
        self.write({"amazon_sync_state": "pending", "amazon_sync_message": False,
                    "amazon_sync_date": fields.Datetime.now()})
        return True
