"""Offers: the link between a seller SKU on Amazon and a product, with CSV export/import."""
import csv
import io

from coquiapps import _, fields, models
from coquiapps.exceptions import UserError

CSV_COLUMNS = ("sku", "marketplace", "default_code")
# header names accepted on import besides CSV_COLUMNS
CSV_ALIASES = {"seller_sku": "sku", "marketplace_id": "marketplace", "api_ref": "marketplace",
               "product": "default_code", "internal_reference": "default_code"}


class AmazonOffer(models.Model):
    """A seller SKU of an account, sold as ``product_id``."""

    _name = "amazon.offer"
    _description = "Amazon Offer"
    _order = "account_id, sku"
    _rec_name = "sku"

    account_id = fields.Many2one("amazon.account", "Account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", related="account_id.company_id", store=True, string="Company")
    marketplace_id = fields.Many2one("amazon.marketplace", "Marketplace", ondelete="set null")
    sku = fields.Char("SKU", required=True, index=True, help="The seller SKU of the offer on Amazon")
    product_id = fields.Many2one("product.product", "Product", required=True, ondelete="restrict", index=True)

    _sql_constraints = [
        ("unique_sku", "UNIQUE (account_id, sku)", "A SKU can only be linked once per Amazon account!"),
    ]


class AmazonAccountOffers(models.Model):
    """SKU links as CSV on the account (carried from one account to another on migration)."""

    _inherit = "amazon.account"

    def export_offers_csv(self) -> str:
        """The account's offers as CSV text: ``sku,marketplace,default_code`` (marketplace = api_ref)."""
        self.ensure_one()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        offers = self.env["amazon.offer"].search([("account_id", "=", self.id)], order="sku")
        for offer in offers:
            writer.writerow([offer.sku, offer.marketplace_id.api_ref or "", offer.product_id.default_code or ""])
        return buffer.getvalue()

    def import_offers_csv(self, text: str) -> dict:
        """Create or update offers from CSV text; all or nothing.

        Returns ``{"created": n, "updated": n, "errors": [(line, reason)]}``.
        When a row is wrong nothing is imported and every wrong row is listed
        by its line number in the file (the header is line 1).
        """
        self.ensure_one()
        rows, errors = self._parse_offers_csv(text)
        if errors:
            return {"created": 0, "updated": 0, "errors": errors}
        Offer = self.env["amazon.offer"]
        existing = {o.sku: o for o in Offer.search([("account_id", "=", self.id)])}
        created = updated = 0
        for _line, sku, marketplace, product in rows:
            offer = existing.get(sku)
            values = {"marketplace_id": marketplace.id or False, "product_id": product.id}
            if offer:
                if offer.product_id != product or offer.marketplace_id != marketplace:
                    offer.write(values)
                    updated += 1
            else:
                Offer.create({"account_id": self.id, "sku": sku, **values})
                created += 1
        return {"created": created, "updated": updated, "errors": []}

    def _parse_offers_csv(self, text: str):
        """Rows ``(line, sku, marketplace, product)`` and errors ``(line, reason)``."""
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        text = (text or "").lstrip("\ufeff")
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        if not header:
            return [], [(1, _("The file is empty: a header line sku,marketplace,default_code is expected."))]
        names = [CSV_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
        missing = [c for c in CSV_COLUMNS if c not in names and c != "marketplace"]
        if missing:
            return [], [(1, _("Missing column(s) %(cols)s; expected %(expected)s.",
                              cols=", ".join(missing), expected=",".join(CSV_COLUMNS)))]
        index = {name: names.index(name) for name in CSV_COLUMNS if name in names}
        marketplaces = {m.api_ref: m for m in self.env["amazon.marketplace"].with_context(active_test=False).search([])}
        rows, errors, seen = [], [], {}
        line = reader.line_num
        for record in reader:
            line, start = reader.line_num, line + 1
            if not any(cell.strip() for cell in record):
                continue
            cells = {name: (record[i].strip() if i < len(record) else "") for name, i in index.items()}
            reason, sku = None, cells["sku"]
            marketplace = self.env["amazon.marketplace"]
            if not sku:
                reason = _("the SKU is empty")
            elif sku in seen:
                reason = _("SKU %(sku)s already on line %(line)s", sku=sku, line=seen[sku])
            elif cells.get("marketplace") and cells["marketplace"] not in marketplaces:
                reason = _("unknown marketplace id %s") % cells["marketplace"]
            if cells.get("marketplace") in marketplaces:
                marketplace = marketplaces[cells["marketplace"]]
            product = self.env["product.product"]
            if reason is None:
                product, reason = self._offer_csv_product(cells["default_code"])
            if reason:
                errors.append((start, reason))
            else:
                seen[sku] = start
                rows.append((start, sku, marketplace, product))
        return rows, errors

    def _offer_csv_product(self, default_code: str):
        """``(product, None)`` for an internal reference of this account's company, else ``(empty, reason)``."""
        Product = self.env["product.product"]
        if not default_code:
            return Product, _("the product internal reference is empty")
        products = Product.search([("default_code", "=", default_code),
                                   ("company_id", "in", [False, self.company_id.id])])
        if not products:
            return Product, _("no product with internal reference %s") % default_code
        if len(products) > 1:
            return Product, _("several products have internal reference %s") % default_code
        return products, None

    def action_export_offers_csv(self):
        """Button: open the CSV wizard with the export ready to download."""
        self.ensure_one()
        if not self.offer_ids:
            raise UserError(_("The account %s has no offers to export.") % self.name)
        return self.action_offers_csv()
