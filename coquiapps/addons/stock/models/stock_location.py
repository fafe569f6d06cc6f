"""Locations (where goods are) and warehouses (a company's stock location and its deliveries)."""
from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError

USAGES = [
    ("view", "View"),
    ("internal", "Internal Location"),
    ("customer", "Customer Location"),
    ("supplier", "Vendor Location"),
    ("inventory", "Inventory Loss"),
]


class StockLocation(models.Model):
    """A place goods are in: internal locations hold on-hand quantities, the others are counterparts."""

    _name = "stock.location"
    _description = "Inventory Location"
    _order = "complete_name, id"
    _rec_name = "complete_name"

    name = fields.Char("Location Name", required=True)
    complete_name = fields.Char("Full Location Name", compute="_compute_complete_name", store=True)
    location_id = fields.Many2one("stock.location", "Parent Location", index=True, ondelete="restrict")
    usage = fields.Selection(USAGES, "Location Type", required=True, default="internal",
                             help="Only internal locations keep on-hand quantities")
    warehouse_id = fields.Many2one("stock.warehouse", "Warehouse", index=True, ondelete="set null")
    company_id = fields.Many2one("res.company", "Company", index=True,
                                 help="Empty: shared by every company (e.g. Partners/Customers)")
    active = fields.Boolean(default=True)

    @api.depends("name", "location_id.complete_name")
    def _compute_complete_name(self):
        for location in self:
            parent = location.location_id
            location.complete_name = f"{parent.complete_name}/{location.name}" if parent else location.name

    def _keeps_quants(self) -> bool:
        """Whether quantities moved in or out of this location are counted (internal locations)."""
        self.ensure_one()
        return self.usage == "internal"


class StockWarehouse(models.Model):
    """A company's warehouse: its stock location, the one deliveries leave from."""

    _name = "stock.warehouse"
    _description = "Warehouse"
    _order = "company_id, name, id"

    name = fields.Char("Warehouse", required=True)
    code = fields.Char("Short Name", required=True, help="Prefix of the locations' names, e.g. WH")
    company_id = fields.Many2one("res.company", "Company", required=True, index=True,
                                 default=lambda self: self.env.company)
    view_location_id = fields.Many2one("stock.location", "View Location", ondelete="restrict")
    lot_stock_id = fields.Many2one("stock.location", "Stock Location", ondelete="restrict",
                                   help="Where on-hand goods are; deliveries leave from here")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_company_uniq", "UNIQUE (code, company_id)", "The short name of a warehouse must be unique per company!"),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        """A warehouse gets its view and stock locations when none are given."""
        single = isinstance(vals_list, dict)
        vals_list = [vals_list] if single else vals_list
        warehouses = super().create(vals_list)
        Location = self.env["stock.location"].sudo()
        for warehouse in warehouses:
            if not warehouse.view_location_id:
                warehouse.view_location_id = Location.create({
                    "name": warehouse.code, "usage": "view", "company_id": warehouse.company_id.id,
                    "warehouse_id": warehouse.id})
            if not warehouse.lot_stock_id:
                warehouse.lot_stock_id = Location.create({
                    "name": _("Stock"), "usage": "internal", "location_id": warehouse.view_location_id.id,
                    "company_id": warehouse.company_id.id, "warehouse_id": warehouse.id})
        return warehouses[0] if single else warehouses

    @api.model
    def _get_for_company(self, company):
        """The company's first warehouse, created (``WH``) when it has none yet."""
        warehouse = self.sudo().search([("company_id", "=", company.id)], limit=1)
        if not warehouse:
            taken = set(self.sudo().with_context(active_test=False).search(
                [("company_id", "=", company.id)]).mapped("code"))
            code = next(c for c in ("WH", *(f"WH{i}" for i in range(2, 1000))) if c not in taken)
            warehouse = self.sudo().create({"name": company.name, "code": code, "company_id": company.id})
        return warehouse.with_env(self.env)

    @api.model
    def _customer_location(self):
        """Partners/Customers, where delivered goods go."""
        location = self.env.ref("stock.stock_location_customers", raise_if_not_found=False)
        if not location:
            raise UserError(_("The location Partners/Customers (stock.stock_location_customers) was "
                              "deleted; upgrade the Inventory module to restore it."))
        return location

    def _locations(self):
        """The internal locations of these warehouses."""
        return self.env["stock.location"].search([("warehouse_id", "in", self.ids), ("usage", "=", "internal")])
