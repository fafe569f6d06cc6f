"""Imported orders and their deliveries: FBA orders Amazon shipped are done deliveries out of the
account's FBA location."""
from coquiapps import models


class AmazonAccountOrderDelivery(models.Model):
    """Order import, followed by the deliveries: what Amazon shipped itself is delivered here too."""

    _inherit = "amazon.account"

    def _amazon_create_orders(self, orders: list):
        sale_orders = super()._amazon_create_orders(orders)
        shipped = [so for so, order in zip(sale_orders, orders, strict=True) if self._amazon_fba_shipped(so, order)]
        self._amazon_deliver_fba(sale_orders.browse([so.id for so in shipped]))
        return sale_orders

    def _amazon_update_order(self, sale_order, order: dict) -> None:
        was_pending_cancel = sale_order.amazon_cancel_state == "pending"
        super()._amazon_update_order(sale_order, order)
        if order["status"] == "canceled" and was_pending_cancel:
            # Amazon cancelled it before our cancellation was sent: nothing left to send
            sale_order.write({"amazon_cancel_state": "done", "amazon_cancel_message": False})
        if self._amazon_fba_shipped(sale_order, order):
            self._amazon_deliver_fba(sale_order)

    @staticmethod
    def _amazon_fba_shipped(sale_order, order: dict) -> bool:
        return sale_order.amazon_channel == "fba" and order["status"] == "shipped" and sale_order.state == "sale"

    def _amazon_deliver_fba(self, sale_orders) -> None:
        """Validate the open deliveries of FBA orders Amazon shipped: all of it, from the FBA location."""
        pickings = sale_orders.mapped("picking_ids").filtered(lambda p: p.state in ("draft", "assigned"))
        for move in pickings._moves_to_do():
            if move.quantity != move.product_uom_qty:
                move.quantity = move.product_uom_qty
        if pickings:
            pickings.button_validate()
