from coquiapps import _, api, fields, models


class ResPartner(models.Model):
    _name = "res.partner"
    _description = "Contact"
    _order = "name, id"

    name = fields.Char(index=True)
    display_name = fields.Char(compute="_compute_display_name")
    active = fields.Boolean(default=True)
    is_company = fields.Boolean()
    type = fields.Selection([("contact", "Contact"), ("delivery", "Delivery Address"),
                             ("invoice", "Invoice Address"), ("other", "Other Address")], default="contact")
    parent_id = fields.Many2one("res.partner", "Related Company", index=True)
    child_ids = fields.One2many("res.partner", "parent_id", "Contacts")
    company_id = fields.Many2one("res.company", "Company", index=True)
    email = fields.Char()
    phone = fields.Char()
    street = fields.Char()
    street2 = fields.Char()
    city = fields.Char()
    state_name = fields.Char("State")
    state_id = fields.Many2one("res.country.state", "State", ondelete="restrict")
    zip = fields.Char()
    country_id = fields.Many2one("res.country", "Country", ondelete="restrict")
    # kept stored (the Amazon import matches buyers on it); follows country_id both ways
    country_code = fields.Char("Country Code", size=2)
    ref = fields.Char("Reference", index=True)
    lang = fields.Char("Language", default="en_US")
    comment = fields.Text("Notes")
    image_1920 = fields.Binary("Image")

    # as Odoo: a contact (not an address) needs a name; create({}) is refused with this message
    _sql_constraints = [("check_name", "CHECK( (type='contact' AND name IS NOT NULL) or (type!='contact') )",
                         "Contacts require a name")]

    @api.depends("name", "parent_id.name")
    def _compute_display_name(self):
        for partner in self:
            name = partner.name or ""
            if partner.parent_id and partner.type != "contact":
                name = f"{partner.parent_id.name}, {name}" if name else partner.parent_id.name
            partner.display_name = name or f"Contact {partner.id}"

    @api.model_create_multi
    def create(self, vals_list):
        single = isinstance(vals_list, dict)
        codes: dict[str, int | bool] = {}  # an Amazon import creates many partners of few countries
        vals_list = [self._with_country(v, codes) for v in ([vals_list] if single else vals_list)]
        records = super().create(vals_list)
        return records[0] if single else records

    def write(self, vals):
        self._check_users_partners()
        return super().write(self._with_country(vals))

    def _with_country(self, vals: dict, codes: dict | None = None) -> dict:
        """``vals`` with country_id and country_code agreeing, whichever of the two was given.

        A state given alone brings its country, as in Odoo's address form.
        """
        vals = dict(vals)
        if vals.get("state_id") and "country_id" not in vals:
            vals["country_id"] = self.env["res.country.state"].browse(_id(vals["state_id"])).sudo().country_id.id
        if "country_id" in vals:
            country = self.env["res.country"].browse(_id(vals["country_id"])).sudo()
            vals["country_code"] = country.code if country else False
        elif vals.get("country_code"):
            code = str(vals["country_code"]).strip().upper()
            codes = {} if codes is None else codes
            if code not in codes:
                codes[code] = self.env["res.country"].sudo().search([("code", "=", code)], limit=1).id or False
            vals["country_code"] = code
            vals["country_id"] = codes[code]
        elif "country_code" in vals:
            vals["country_id"] = False
        return vals

    def _check_users_partners(self) -> None:
        """The contact of an internal user is changed only by that user or a system administrator.

        As in Odoo: otherwise a colleague could rename or re-email the
        administrator's contact and so redirect what is sent to them.
        """
        if self.env.su or not self.ids:
            return
        internal = self.env["ir.model.data"]._xmlid_to_res_id("base.group_user", raise_if_not_found=False)
        if not internal:
            return
        self.env.cr.execute(
            """SELECT 1 FROM res_users u JOIN res_groups_users_rel r ON r.uid = u.id AND r.gid = %s
               WHERE u.partner_id = ANY(%s) AND u.id != %s LIMIT 1""", (internal, list(self.ids), self.env.uid))
        if self.env.cr.fetchone():
            self.env["res.users"]._check_system(
                _("Only the user or an administrator can change the contact of a user."))


def _id(value) -> int | bool:
    """The id in a many2one value as create()/write() accept it (id, record, or (id, name))."""
    if hasattr(value, "_ids"):
        return value.id
    if isinstance(value, (list, tuple)):
        return value[0] if value else False
    return int(value) if value else False
