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
    zip = fields.Char()
    country_code = fields.Char("Country Code", size=2)
    ref = fields.Char("Reference", index=True)
    lang = fields.Char("Language", default="en_US")
    comment = fields.Text("Notes")

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

    def write(self, vals):
        self._check_users_partners()
        return super().write(vals)

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
