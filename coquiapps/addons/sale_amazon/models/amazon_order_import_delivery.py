"""Imported orders and their deliveries: what Amazon reports shipped is delivered here too.

An FBA order Amazon shipped becomes a done delivery out of the account's FBA
location. An FBM order Amazon already reports shipped (confirmed in Seller
Central, or history imported late) has its open delivery validated as
confirmed: sending it again would make Amazon refuse a second confirmation.
"""
from coquiapps import _, fields, models


class AmazonAccountOrderDelivery(models.Model):
    """Order import, followed by the deliveries."""

    _inherit = "amazon.account"

    def _amazon_create_orders(self, orders: list):
        sale_orders = super()._amazon_create_orders(orders)
        shipped = [so.id for so, order in zip(sale_orders, orders, strict=True) if self._amazon_shipped(so, order)]
        self._amazon_deliver_shipped(sale_orders.browse(shipped))
        return sale_orders

    def _amazon_update_order(self, sale_order, order: dict) -> None:
        was_pending_cancel = sale_order.amazon_cancel_state == "pending"
        super()._amazon_update_order(sale_order, order)
        if order["status"] == "canceled" and was_pending_cancel:
            # Amazon cancelled it before our cancellation was sent: nothing left to send
            sale_order.write({"amazon_cancel_state": "done", "amazon_cancel_message": False})
        if self._amazon_shipped(sale_order, order):
            self._amazon_deliver_shipped(sale_order)

    @staticmethod
    def _amazon_shipped(sale_order, order: dict) -> bool:
        return order["status"] == "shipped" and sale_order.state == "sale"

    def _amazon_deliver_shipped(self, sale_orders) -> None:
        """Validate the open deliveries of orders Amazon reports shipped: all of it, nothing to send."""
        pickings = sale_orders.mapped("picking_ids").filtered(lambda p: p.state in ("draft", "assigned"))
        if not pickings:
            return
        for move in pickings._moves_to_do():
            if move.quantity != move.product_uom_qty:
                move.quantity = move.product_uom_qty
        pickings.with_context(amazon_shipped_on_amazon=True).button_validate()
        fbm = pickings.filtered(lambda p: p.sale_id.amazon_channel != "fba")
        if fbm:
            fbm.write({"amazon_sync_state": "done", "amazon_sync_date": fields.Datetime.now(),
                       "amazon_sync_message": _("Shipped on Amazon: confirmed outside the ERP.")})
