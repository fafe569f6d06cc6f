"""Amazon marketplaces (amazon.com, amazon.de ...), one record per marketplace id."""
from coquiapps import fields, models

REGIONS = [("na", "North America"), ("eu", "Europe"), ("fe", "Far East")]


class AmazonMarketplace(models.Model):
    """A marketplace as Amazon identifies it (``api_ref``), with its region and currency."""

    _name = "amazon.marketplace"
    _description = "Amazon Marketplace"
    _order = "region, name"

    name = fields.Char(required=True)
    code = fields.Char("Country Code", size=2, required=True, help="As Amazon names it (UK for the United Kingdom)")
    api_ref = fields.Char("Marketplace ID", required=True, index=True, help="Amazon's id of the marketplace")
    region = fields.Selection(REGIONS, required=True)
    seller_central_url = fields.Char("Seller Central URL", required=True)
    domain = fields.Char(help="The store's domain, e.g. amazon.com")
    currency_id = fields.Many2one("res.currency", "Currency")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("api_ref_uniq", "UNIQUE (api_ref)", "An Amazon marketplace id can only be registered once!"),
    ]

    def _compute_display_name(self):
        for marketplace in self:
            marketplace.display_name = (f"{marketplace.name} ({marketplace.domain})"
                                        if marketplace.domain else marketplace.name or "")
