"""Amazon orders and deliveries: FBA orders ship from the account's FBA location; ERP cancellations
go back to Amazon."""
from coquiapps import _, fields, models
from coquiapps.exceptions import UserError

from .amazon_outbound import OUTBOUND_STATES

# Amazon's cancel reasons of the order acknowledgement feed (OrderAcknowledgement/Item/CancelReason)
CANCEL_REASONS = [
    ("NoInventory", "No Inventory"), ("ShippingAddressUndeliverable", "Shipping Address Undeliverable"),
    ("CustomerExchange", "Customer Exchange"), ("BuyerCanceled", "Buyer Cancelled"),
    ("GeneralAdjustment", "General Adjustment"), ("CarrierCreditDecision", "Carrier Credit Decision"),
    ("RiskAssessmentInformationNotValid", "Risk Assessment Information Not Valid"),
    ("CarrierCoverageFailure", "Carrier Coverage Failure"), ("CustomerReturn", "Customer Return"),
    ("MerchandiseNotReceived", "Merchandise Not Received"),
]


class SaleOrder(models.Model):
    """An Amazon order cancelled in the ERP is cancelled on Amazon too (its cancellation state)."""

    _inherit = "sale.order"

    amazon_cancel_state = fields.Selection(OUTBOUND_STATES, "Amazon Cancellation", default="none", required=True,
                                           copy=False, readonly=True, index=True,
                                           help="Where the cancellation of this order on Amazon is")
    amazon_cancel_reason = fields.Selection(CANCEL_REASONS, "Cancel Reason", default="NoInventory", copy=False,
                                            help="The reason Amazon is told when the order is cancelled here")
    amazon_cancel_message = fields.Text("Amazon Cancellation Message", copy=False, readonly=True)
    amazon_cancel_date = fields.Datetime("Amazon Cancellation Date", copy=False, readonly=True)
    amazon_cancel_feed_ref = fields.Char("Amazon Cancellation Feed", copy=False, readonly=True)

    def _delivery_route(self) -> tuple:
        """FBA orders leave from the account's FBA location, FBM ones from the account's warehouse."""
        self.ensure_one()
        account = self.amazon_account_id
        if not account:
            return super()._delivery_route()
        customers = self.env["stock.warehouse"]._customer_location()
        if self.amazon_channel == "fba":
            return account._amazon_fba_location(), customers
        if self.warehouse_id:
            return super()._delivery_route()
        return account._amazon_warehouse().lot_stock_id, customers

    def action_cancel(self):
        """Cancelled here, an Amazon order is to be cancelled on Amazon (not when Amazon cancelled it)."""
        from_erp = self.filtered(lambda o: o.amazon_account_id and o.amazon_status != "canceled"
                                 and o.state != "cancel")
        for order in from_erp:
            if order.amazon_channel == "fba":
                raise UserError(_("%(name)s is fulfilled by Amazon: cancel the Amazon order %(ref)s in Seller "
                                  "Central, the next sync cancels it here.", name=order.name,
                                  ref=order.amazon_order_ref))
            shipped = order.picking_ids.filtered(lambda p: p.state == "done")
            if shipped:
                raise UserError(_("%(name)s is shipped (%(deliveries)s): Amazon cannot cancel items that were "
                                  "shipped.", name=order.name, deliveries=", ".join(shipped.mapped("name"))))
        result = super().action_cancel()
        if from_erp:
            from_erp.write({"amazon_cancel_state": "pending", "amazon_cancel_message": False,
                            "amazon_cancel_date": fields.Datetime.now()})
        return result

    def action_draft(self):
        for order in self:
            if order.amazon_cancel_state in ("processing", "done"):
                raise UserError(_("%s was cancelled on Amazon: it cannot be set back to quotation.") % order.name)
        result = super().action_draft()
        self.filtered(lambda o: o.amazon_cancel_state in ("pending", "error")).write(
            {"amazon_cancel_state": "none", "amazon_cancel_message": False})
        return result

    def action_amazon_retry_cancel(self):
        """Retry button: send a refused cancellation again."""
        for order in self:
            if order.amazon_cancel_state != "error":
                raise UserError(_("The cancellation of %s was not refused by Amazon: there is nothing to "
                                  "retry.") % order.name)
        self.write({"amazon_cancel_state": "pending", "amazon_cancel_message": False,
                    "amazon_cancel_date": fields.Datetime.now()})
        return True
