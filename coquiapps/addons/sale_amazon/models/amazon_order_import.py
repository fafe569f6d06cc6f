"""Order import: a normalised Amazon order becomes a sales order, whatever API fetched it.

The normalised order is a plain dict (see :data:`ORDER_KEYS`); the SP-API patch
produces exactly this shape. An order is keyed on (account, Amazon order id):
importing it again updates the existing sales order, never duplicates it.
"""
import logging
from decimal import Decimal

from coquiapps import _, fields, models
from coquiapps.exceptions import UserError

_logger = logging.getLogger(__name__)

ORDER_KEYS = ("amazon_order_id", "marketplace_id", "purchase_date", "last_update", "status",
              "fulfillment_channel", "currency", "buyer_name", "buyer_email", "shipping_address",
              "lines", "shipping_price", "gift_wrap_price", "total")
AMAZON_STATUSES = [
    ("pending", "Pending"), ("unshipped", "Unshipped"), ("partially_shipped", "Partially Shipped"),
    ("shipped", "Shipped"), ("canceled", "Canceled"), ("unfulfillable", "Unfulfillable"),
]
ADDRESS_FIELDS = ("street", "street2", "city", "zip")


def _escape_like(value: str) -> str:
    """``value`` as an exact ``=ilike`` pattern."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _money(value) -> float:
    return float(Decimal(str(value or 0)))


class AmazonAccountOrderImport(models.Model):
    """Order import methods of the Amazon account."""

    _inherit = "amazon.account"

    def _import_normalized_order(self, order: dict):
        """Create or update the sales order of a normalised Amazon order.

        Returns ``(sale.order, created)``. A *pending* order (not yet confirmed
        by Amazon) is not imported: ``(empty sale.order, False)``.
        """
        self.ensure_one()
        self._check_normalized_order(order)
        account = self.with_company(self.company_id)
        existing = account._amazon_find_order(order["amazon_order_id"])
        if existing:
            account._amazon_update_order(existing, order)
            return existing, False
        if order["status"] == "pending":
            return self.env["sale.order"], False
        return account._amazon_create_order(order), True

    def _check_normalized_order(self, order: dict) -> None:
        missing = [key for key in ("amazon_order_id", "status", "purchase_date", "currency", "lines")
                   if order.get(key) in (None, "")]
        if missing:
            raise UserError(_("Amazon order %(ref)s lacks %(keys)s.", ref=order.get("amazon_order_id") or "?",
                              keys=", ".join(missing)))
        if order["status"] not in dict(AMAZON_STATUSES):
            raise UserError(_("Amazon order %(ref)s has an unknown status %(status)r.",
                              ref=order["amazon_order_id"], status=order["status"]))

    def _amazon_find_order(self, amazon_order_id: str):
        return self.env["sale.order"].with_context(active_test=False).search(
            [("amazon_account_id", "=", self.id), ("amazon_order_ref", "=", amazon_order_id)], limit=1)

    # -- create / update -------------------------------------------------------------
    def _amazon_create_order(self, order: dict):
        """A new sales order, confirmed (or cancelled when Amazon cancelled it)."""
        marketplace = self._amazon_marketplace(order.get("marketplace_id"))
        customer, shipping = self._amazon_partners(order)
        values = {
            "partner_id": customer.id,
            "partner_shipping_id": shipping.id,
            "date_order": order["purchase_date"],
            "currency_id": self._amazon_currency(order["currency"]).id,
            "company_id": self.company_id.id,
            "user_id": self.user_id.id or False,
            "origin": _("Amazon Order %s") % order["amazon_order_id"],
            "amazon_order_ref": order["amazon_order_id"],
            "amazon_account_id": self.id,
            "amazon_marketplace_id": marketplace.id or False,
            "amazon_channel": self._amazon_channel(order),
            "amazon_status": order["status"],
        }
        sale_order = self.env["sale.order"].create(values)
        # one batch: the order's totals are recomputed once, not after each line
        self.env["sale.order.line"].create(
            [{**v, "order_id": sale_order.id} for v in self._amazon_line_values(order, marketplace)])
        if order["status"] == "canceled":
            sale_order.action_cancel()
        else:
            sale_order.action_confirm()
        self._amazon_check_total(sale_order, order)
        return sale_order

    def _amazon_update_order(self, sale_order, order: dict) -> None:
        """Follow Amazon: status and channel; cancel; lines while still a quotation."""
        values = {"amazon_status": order["status"]}
        channel = self._amazon_channel(order)
        if channel:
            values["amazon_channel"] = channel
        sale_order.write(values)
        if order["status"] == "canceled":
            if sale_order.state != "cancel":
                sale_order.action_cancel()
        elif sale_order.state == "draft":
            marketplace = sale_order.amazon_marketplace_id or self._amazon_marketplace(order.get("marketplace_id"))
            sale_order.order_line.unlink()
            self.env["sale.order.line"].create(
                [{**v, "order_id": sale_order.id} for v in self._amazon_line_values(order, marketplace)])

    def _amazon_check_total(self, sale_order, order: dict) -> None:
        total = order.get("total")
        if total is not None and abs(_money(total) - sale_order.amount_total) > 0.01:
            _logger.warning("Amazon order %s: total %s on Amazon, %s imported", order["amazon_order_id"],
                            total, sale_order.amount_total)

    @staticmethod
    def _amazon_channel(order: dict):
        channel = (order.get("fulfillment_channel") or "").upper()
        return {"FBA": "fba", "AFN": "fba", "FBM": "fbm", "MFN": "fbm"}.get(channel, False)

    # -- lines -----------------------------------------------------------------------
    def _amazon_line_values(self, order: dict, marketplace) -> list[dict]:
        """Values of the order lines: items, then shipping and gift wrapping when charged."""
        result = []
        for sequence, item in enumerate(order["lines"], start=1):
            offer = self._amazon_get_offer(item["sku"], marketplace)
            product = offer.product_id if offer else self._amazon_product("default_product")
            title = item.get("title") or item["sku"]
            result.append({
                "sequence": sequence,
                "product_id": product.id,
                "name": f"[{item['sku']}] {title}",
                "product_uom_qty": item.get("quantity") or 0,
                "price_unit": _money(item.get("unit_price")),
                "amazon_item_ref": item.get("order_item_id") or False,
                "amazon_offer_id": offer.id or False,
            })
        for key, xmlid in (("shipping_price", "shipping_product"), ("gift_wrap_price", "gift_wrap_product")):
            amount = _money(order.get(key))
            if amount:
                product = self._amazon_product(xmlid)
                result.append({"sequence": 1000 + len(result), "product_id": product.id, "name": product.name,
                               "product_uom_qty": 1, "price_unit": amount})
        return result

    def _amazon_product(self, name: str):
        """One of the connector's own products: default_product, shipping_product, gift_wrap_product."""
        product = self.env.ref(f"sale_amazon.{name}", raise_if_not_found=False)
        if not product:
            raise UserError(_("The Amazon Connector's product sale_amazon.%s was deleted; upgrade the "
                              "module to restore it.") % name)
        return product

    def _amazon_get_offer(self, sku: str, marketplace):
        """The offer of ``sku``; created when a product has ``sku`` as internal reference.

        Returns an empty recordset when neither exists: the line then goes to
        the "Amazon Sale" fallback product (no offer is created, so a product
        created later with that reference is picked up by the next orders).
        """
        Offer = self.env["amazon.offer"]
        offer = Offer.search([("account_id", "=", self.id), ("sku", "=", sku)], limit=1)
        if offer:
            return offer
        product = self.env["product.product"].search(
            [("default_code", "=", sku), ("company_id", "in", [False, self.company_id.id])], limit=1)
        if not product:
            return Offer
        return Offer.create({"account_id": self.id, "sku": sku, "product_id": product.id,
                             "marketplace_id": marketplace.id or False})

    # -- references ----------------------------------------------------------------
    def _amazon_marketplace(self, api_ref):
        if not api_ref:
            return self.env["amazon.marketplace"]
        return self.env["amazon.marketplace"].with_context(active_test=False).search(
            [("api_ref", "=", api_ref)], limit=1)

    def _amazon_currency(self, code: str):
        """The currency of ISO code ``code``, activated (or created) when needed."""
        Currency = self.env["res.currency"].sudo().with_context(active_test=False)
        code = code.strip().upper()
        currency = Currency.search([("name", "=", code)], limit=1)
        if not currency:
            currency = Currency.create({"name": code, "symbol": code})
        elif not currency.active:
            currency.write({"active": True})
        return currency.with_env(self.env)

    # -- partners --------------------------------------------------------------------
    def _amazon_partners(self, order: dict):
        """``(customer, delivery address)``: matched by email, else by name + zip + country; else created."""
        address = order.get("shipping_address") or {}
        email = (order.get("buyer_email") or "").strip()
        name = (order.get("buyer_name") or address.get("name") or "").strip() or _("Amazon Customer")
        Partner = self.env["res.partner"]
        company_domain = [("company_id", "in", [False, self.company_id.id])]
        customer = Partner
        if email:
            customer = Partner.search([("email", "=ilike", _escape_like(email)), ("parent_id", "=", False)]
                                      + company_domain, limit=1)
        if not customer:
            customer = Partner.search(
                [("name", "=", name), ("parent_id", "=", False),
                 ("zip", "=", address.get("zip") or False),
                 ("country_code", "=", (address.get("country_code") or "").upper() or False)]
                + company_domain, limit=1)
        if not customer:
            customer = Partner.create({**self._amazon_address_values(address), "name": name,
                                       "email": email or False, "company_id": self.company_id.id,
                                       "comment": _("Created by the Amazon Connector (%s).") % self.name})
        return customer, self._amazon_delivery_address(customer, address)

    def _amazon_delivery_address(self, customer, address: dict):
        """The customer itself when the address is theirs, else a (matched or new) delivery contact."""
        if not address:
            return customer
        values = self._amazon_address_values(address)
        name = (address.get("name") or "").strip() or customer.name

        def same(partner):
            return partner.name == name and all((partner[k] or False) == values[k] for k in values
                                                if k not in ("phone", "state_name"))

        if same(customer):
            return customer
        for child in customer.child_ids.filtered(lambda p: p.type == "delivery"):
            if same(child):
                return child
        return self.env["res.partner"].create({**values, "name": name, "type": "delivery",
                                               "parent_id": customer.id, "company_id": customer.company_id.id})

    @staticmethod
    def _amazon_address_values(address: dict) -> dict:
        values = {k: (address.get(k) or "").strip() or False for k in ADDRESS_FIELDS}
        values["state_name"] = (address.get("state") or "").strip() or False
        values["country_code"] = (address.get("country_code") or "").strip().upper()[:2] or False
        values["phone"] = (address.get("phone") or "").strip() or False
        return values

    # -- a page of orders ------------------------------------------------------------
    def _import_orders_page(self, orders: list) -> dict:
        """Import a page of normalised orders; ``{"created", "updated", "skipped", "last_update"}``."""
        self.ensure_one()
        counts = {"created": 0, "updated": 0, "skipped": 0, "last_update": None}
        for order in orders:
            sale_order, created = self._import_normalized_order(order)
            key = "created" if created else ("updated" if sale_order else "skipped")
            counts[key] += 1
            moment = order.get("last_update") or order.get("purchase_date")
            if moment:
                moment = fields.Datetime.to_datetime(moment)
                if counts["last_update"] is None or moment > counts["last_update"]:
                    counts["last_update"] = moment
        return counts
