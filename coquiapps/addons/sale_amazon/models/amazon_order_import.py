"""Order import: normalised Amazon orders become sales orders, whatever API fetched them.

A normalised order is a plain dict (see :data:`ORDER_KEYS`); the SP-API patch
produces exactly this shape. An order is keyed on (account, Amazon order id):
importing it again updates the existing sales order, never duplicates it.

A page of orders is imported as a batch (``_amazon_import_orders``): existing
orders, offers, products and customers are looked up once per page and new
records are created together, so a page of 100 orders costs a few dozen
queries, not thousands. The result is the same as importing the orders one
after the other: a later order of the page finds the customer, offer or
delivery address an earlier one created.
"""
import logging
from decimal import Decimal

from coquiapps import _, fields, models
from coquiapps.exceptions import UserError

_logger = logging.getLogger(__name__)

ORDER_KEYS = ("amazon_order_id", "marketplace_id", "purchase_date", "last_update", "status",
              "fulfillment_channel", "currency", "buyer_name", "buyer_email", "shipping_address",
              "lines", "shipping_price", "gift_wrap_price", "total")
OPTIONAL_ORDER_KEYS = ("tax",)  # taxes Amazon collected, included in ``total``
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


def _or(leaves: list) -> list:
    """A domain matching any of ``leaves``."""
    return ["|"] * (len(leaves) - 1) + leaves


class AmazonAccountOrderImport(models.Model):
    """Order import methods of the Amazon account."""

    _inherit = "amazon.account"

    # -- entry points ----------------------------------------------------------------
    def _import_normalized_order(self, order: dict):
        """Create or update the sales order of a normalised Amazon order.

        Returns ``(sale.order, created)``. A *pending* order (not yet confirmed
        by Amazon) is not imported: ``(empty sale.order, False)``.
        """
        return self._amazon_import_orders([order])[0]

    def _import_orders_page(self, orders: list) -> dict:
        """Import a page of normalised orders; ``{"created", "updated", "skipped", "last_update"}``."""
        counts = {"created": 0, "updated": 0, "skipped": 0, "last_update": None}
        for order, (sale_order, created) in zip(orders, self._amazon_import_orders(orders), strict=True):
            counts["created" if created else ("updated" if sale_order else "skipped")] += 1
            moment = order.get("last_update") or order.get("purchase_date")
            if moment:
                moment = fields.Datetime.to_datetime(moment)
                if counts["last_update"] is None or moment > counts["last_update"]:
                    counts["last_update"] = moment
        return counts

    def _amazon_import_orders(self, orders: list) -> list:
        """``[(sale.order, created)]`` for ``orders``, in their order, imported as one batch.

        Every order is checked before anything is written: a malformed order
        fails the whole batch, naming the order.
        """
        self.ensure_one()
        for order in orders:
            self._check_normalized_order(order)
        account = self.with_company(self.company_id)
        SaleOrder = account.env["sale.order"]
        found = account._amazon_find_orders([o["amazon_order_id"] for o in orders])
        results, new, updates = [None] * len(orders), [], []
        planned = set()
        for index, order in enumerate(orders):
            ref = order["amazon_order_id"]
            if ref in found or ref in planned:
                updates.append(index)     # an order seen twice in a page: the later copy updates it
            elif order["status"] == "pending":
                results[index] = (SaleOrder, False)
            else:
                planned.add(ref)
                new.append(index)
        created = account._amazon_create_orders([orders[i] for i in new])
        for index, sale_order in zip(new, created, strict=True):
            results[index] = (sale_order, True)
            found[orders[index]["amazon_order_id"]] = sale_order
        for index in updates:
            sale_order = found[orders[index]["amazon_order_id"]]
            account._amazon_update_order(sale_order, orders[index])
            results[index] = (sale_order, False)
        return results

    def _check_normalized_order(self, order: dict) -> None:
        missing = [key for key in ("amazon_order_id", "status", "purchase_date", "currency", "lines")
                   if order.get(key) in (None, "")]
        if missing:
            raise UserError(_("Amazon order %(ref)s lacks %(keys)s.", ref=order.get("amazon_order_id") or "?",
                              keys=", ".join(missing)))
        if order["status"] not in dict(AMAZON_STATUSES):
            raise UserError(_("Amazon order %(ref)s has an unknown status %(status)r.",
                              ref=order["amazon_order_id"], status=order["status"]))

    def _amazon_find_orders(self, amazon_order_ids: list) -> dict:
        """``{Amazon order id: sale.order}`` of the orders of this account already imported."""
        if not amazon_order_ids:
            return {}
        orders = self.env["sale.order"].with_context(active_test=False).search(
            [("amazon_account_id", "=", self.id), ("amazon_order_ref", "in", list(set(amazon_order_ids)))])
        return {order.amazon_order_ref: order for order in orders}

    # -- create / update -------------------------------------------------------------
    def _amazon_create_orders(self, orders: list):
        """New sales orders (one per normalised order, same order), confirmed or cancelled like on Amazon."""
        SaleOrder = self.env["sale.order"]
        if not orders:
            return SaleOrder
        lookup = _PageLookup(self)
        marketplaces = [lookup.marketplace(order.get("marketplace_id")) for order in orders]
        partners = self._amazon_partners_batch(orders)
        lines = self._amazon_line_values_batch(orders, marketplaces, lookup)
        sale_orders = SaleOrder.create([{
            "partner_id": customer.id,
            "partner_shipping_id": shipping.id,
            "date_order": order["purchase_date"],
            "currency_id": lookup.currency(order["currency"]).id,
            "company_id": self.company_id.id,
            "user_id": self.user_id.id or False,
            "origin": _("Amazon Order %s") % order["amazon_order_id"],
            "amazon_order_ref": order["amazon_order_id"],
            "amazon_account_id": self.id,
            "amazon_marketplace_id": marketplace.id or False,
            "amazon_channel": self._amazon_channel(order),
            "amazon_status": order["status"],
        } for order, marketplace, (customer, shipping) in zip(orders, marketplaces, partners, strict=True)])
        # one batch: every order's totals are computed once, not after each line
        self.env["sale.order.line"].create([{**values, "order_id": sale_order.id}
                                            for sale_order, order_lines in zip(sale_orders, lines, strict=True)
                                            for values in order_lines])
        cancelled = {so.id for so, order in zip(sale_orders, orders, strict=True) if order["status"] == "canceled"}
        sale_orders.filtered(lambda so: so.id in cancelled).action_cancel()
        sale_orders.filtered(lambda so: so.id not in cancelled).action_confirm()
        for sale_order, order in zip(sale_orders, orders, strict=True):
            self._amazon_check_total(sale_order, order)
        return sale_orders

    def _amazon_update_order(self, sale_order, order: dict) -> None:
        """Follow Amazon: status and channel; cancel; lines while still a quotation."""
        values = {"amazon_status": order["status"]}
        channel = self._amazon_channel(order)
        if channel:
            values["amazon_channel"] = channel
        if any(sale_order[name] != value for name, value in values.items()):
            sale_order.write(values)   # re-reading an unchanged order writes nothing
        if order["status"] == "canceled":
            if sale_order.state != "cancel":
                sale_order.action_cancel()
        elif sale_order.state == "draft":
            marketplace = sale_order.amazon_marketplace_id or _PageLookup(self).marketplace(
                order.get("marketplace_id"))
            sale_order.order_line.unlink()
            self.env["sale.order.line"].create([{**v, "order_id": sale_order.id}
                                                for v in self._amazon_line_values(order, marketplace)])

    def _amazon_check_total(self, sale_order, order: dict) -> None:
        """Warn when the imported total differs from Amazon's (taxes Amazon collected aside)."""
        total = order.get("total")
        if total is None:
            return
        expected = _money(total) - _money(order.get("tax"))
        if abs(expected - sale_order.amount_total) > 0.01:
            _logger.warning("Amazon order %s: total before tax %.2f on Amazon, %.2f imported",
                            order["amazon_order_id"], expected, sale_order.amount_total)

    @staticmethod
    def _amazon_channel(order: dict):
        channel = (order.get("fulfillment_channel") or "").upper()
        return {"FBA": "fba", "AFN": "fba", "FBM": "fbm", "MFN": "fbm"}.get(channel, False)

    # -- lines -----------------------------------------------------------------------
    def _amazon_line_values(self, order: dict, marketplace) -> list[dict]:
        """Values of the order lines: items, then shipping and gift wrapping when charged."""
        return self._amazon_line_values_batch([order], [marketplace], _PageLookup(self))[0]

    def _amazon_line_values_batch(self, orders: list, marketplaces: list, lookup) -> list[list[dict]]:
        """The line values of each order (see ``_amazon_line_values``); offers looked up once."""
        offers = self._amazon_get_offers(
            [(item["sku"], marketplace) for order, marketplace in zip(orders, marketplaces, strict=True)
             for item in order["lines"]])
        result = []
        for order in orders:
            values = []
            for sequence, item in enumerate(order["lines"], start=1):
                offer = offers[item["sku"]]
                product = offer.product_id if offer else lookup.product("default_product")
                title = item.get("title") or item["sku"]
                values.append({
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
                    product = lookup.product(xmlid)
                    values.append({"sequence": 1000 + len(values), "product_id": product.id,
                                   "name": product.name, "product_uom_qty": 1, "price_unit": amount})
            result.append(values)
        return result

    def _amazon_product(self, name: str):
        """One of the connector's own products: default_product, shipping_product, gift_wrap_product."""
        product = self.env.ref(f"sale_amazon.{name}", raise_if_not_found=False)
        if not product:
            raise UserError(_("The Amazon Connector's product sale_amazon.%s was deleted; upgrade the "
                              "module to restore it.") % name)
        return product

    def _amazon_get_offers(self, wanted: list) -> dict:
        """``{sku: offer}`` for ``[(sku, marketplace)]``; an offer is created when a product has the SKU
        as internal reference (with the marketplace of the first order that needed it).

        A SKU with neither maps to an empty recordset: its lines go to the
        "Amazon Sale" fallback product (no offer is created, so a product
        created later with that reference is picked up by the next orders).
        """
        Offer = self.env["amazon.offer"]
        marketplace_of = {}
        for sku, marketplace in wanted:
            marketplace_of.setdefault(sku, marketplace)
        if not marketplace_of:
            return {}
        result = dict.fromkeys(marketplace_of, Offer)
        for offer in Offer.search([("account_id", "=", self.id), ("sku", "in", list(marketplace_of))]):
            if not result[offer.sku]:
                result[offer.sku] = offer
        missing = [sku for sku, offer in result.items() if not offer]
        products = {}
        if missing:
            for product in self.env["product.product"].search(
                    [("default_code", "in", missing), ("company_id", "in", [False, self.company_id.id])]):
                products.setdefault(product.default_code, product)
        to_link = [sku for sku in missing if sku in products]
        if to_link:
            created = Offer.create([{"account_id": self.id, "sku": sku, "product_id": products[sku].id,
                                     "marketplace_id": marketplace_of[sku].id or False} for sku in to_link])
            result.update(zip(to_link, created, strict=True))
        return result

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
    def _amazon_partners_batch(self, orders: list) -> list:
        """``[(customer, delivery address)]`` of each order: the customer matched by email, else by
        name + zip + country, else created.

        Existing customers and their delivery addresses are searched once for
        the batch and the missing ones created together; a later order of the
        batch matches the customer or address an earlier one brought, exactly
        as if the orders had been imported one after the other.
        """
        Partner = self.env["res.partner"]
        company_domain = [("company_id", "in", [False, self.company_id.id])]
        keys = [self._amazon_customer_keys(order) for order in orders]
        # values: an existing partner, or the index of a customer to create
        by_email, by_person = {}, {}
        emails = sorted({email for email, _person in keys if email})
        if emails:
            found = Partner.search(_or([("email", "=ilike", _escape_like(e)) for e in emails])
                                   + [("parent_id", "=", False)] + company_domain)
            for partner in found:
                by_email.setdefault((partner.email or "").lower(), partner)
        names = sorted({person[0] for _email, person in keys})
        for partner in Partner.search([("name", "in", names), ("parent_id", "=", False)] + company_domain):
            by_person.setdefault((partner.name, partner.zip or False, partner.country_code or False), partner)
        customers, to_create = [], []
        for order, (email, person) in zip(orders, keys, strict=True):
            customer = by_email.get(email) if email else None
            if customer is None:
                customer = by_person.get(person)
            if customer is None:
                values = self._amazon_address_values(order.get("shipping_address") or {})
                customer = len(to_create)
                to_create.append({**values, "name": person[0], "email": email and order["buyer_email"].strip(),
                                  "company_id": self.company_id.id,
                                  "comment": _("Created by the Amazon Connector (%s).") % self.name})
                if email:
                    by_email.setdefault(email, customer)
                by_person.setdefault((person[0], values["zip"], values["country_code"]), customer)
            customers.append(customer)
        created = Partner.create(to_create) if to_create else Partner
        customers = [created[c] if isinstance(c, int) else c for c in customers]
        return list(zip(customers, self._amazon_delivery_addresses(customers, orders), strict=True))

    def _amazon_customer_keys(self, order: dict) -> tuple:
        """``(lower-case email or None, (name, zip, country code))``: what identifies the buyer."""
        address = order.get("shipping_address") or {}
        email = (order.get("buyer_email") or "").strip()
        name = (order.get("buyer_name") or address.get("name") or "").strip() or _("Amazon Customer")
        return email.lower() or None, (name, address.get("zip") or False,
                                       (address.get("country_code") or "").upper() or False)

    def _amazon_delivery_addresses(self, customers: list, orders: list) -> list:
        """The delivery address of each order: its customer when the address is theirs, else a
        delivery contact of the customer, matched or created."""
        Partner = self.env["res.partner"]
        # per customer: [(delivery contact or index of one to create, its address)]
        known = {}
        for child in Partner.search([("parent_id", "in", list({c.id for c in customers})),
                                     ("type", "=", "delivery")]):
            known.setdefault(child.parent_id.id, []).append((child, self._amazon_address_key(child)))
        result, to_create = [], []
        for customer, order in zip(customers, orders, strict=True):
            address = order.get("shipping_address") or {}
            if not address:
                result.append(customer)
                continue
            values = self._amazon_address_values(address)
            name = (address.get("name") or "").strip() or customer.name
            wanted = (name, *(values[k] for k in (*ADDRESS_FIELDS, "country_code")))
            if self._amazon_address_key(customer) == wanted:
                result.append(customer)
                continue
            contacts = known.setdefault(customer.id, [])
            delivery = next((contact for contact, key in contacts if key == wanted), None)
            if delivery is None:
                delivery = len(to_create)
                to_create.append({**values, "name": name, "type": "delivery", "parent_id": customer.id,
                                  "company_id": customer.company_id.id})
                contacts.append((delivery, wanted))
            result.append(delivery)
        created = Partner.create(to_create) if to_create else Partner
        return [created[d] if isinstance(d, int) else d for d in result]

    @staticmethod
    def _amazon_address_key(partner) -> tuple:
        """What makes two addresses the same: name, street, street2, city, zip, country (not phone, state)."""
        return (partner.name, *(partner[k] or False for k in (*ADDRESS_FIELDS, "country_code")))

    @staticmethod
    def _amazon_address_values(address: dict) -> dict:
        values = {k: (address.get(k) or "").strip() or False for k in ADDRESS_FIELDS}
        values["state_name"] = (address.get("state") or "").strip() or False
        values["country_code"] = (address.get("country_code") or "").strip().upper()[:2] or False
        values["phone"] = (address.get("phone") or "").strip() or False
        return values


class _PageLookup:
    """What a batch of orders looks up many times: marketplaces, currencies, the connector's products."""

    def __init__(self, account):
        self.account = account
        self._cache = {}

    def _get(self, kind: str, key, make):
        if (kind, key) not in self._cache:
            self._cache[kind, key] = make(key)
        return self._cache[kind, key]

    def marketplace(self, api_ref):
        return self._get("marketplace", api_ref, self.account._amazon_marketplace)

    def currency(self, code: str):
        return self._get("currency", code, self.account._amazon_currency)

    def product(self, name: str):
        return self._get("product", name, self.account._amazon_product)
