"""Menus, shown to the users of their groups."""
from coquiapps import fields, models


class IrUiMenu(models.Model):
    _name = "ir.ui.menu"
    _description = "Menu"
    _order = "sequence, id"

    name = fields.Char("Menu", required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    parent_id = fields.Many2one("ir.ui.menu", "Parent Menu", ondelete="cascade", index=True)
    child_id = fields.One2many("ir.ui.menu", "parent_id", "Child IDs")
    groups_id = fields.Many2many("res.groups", "ir_ui_menu_group_rel", "menu_id", "gid", "Groups")
    action = fields.Char(help="model,id of the action the menu opens")
    web_icon = fields.Char()
    complete_name = fields.Char(compute="_compute_complete_name")

    def _compute_complete_name(self):
        for menu in self:
            names, current = [], menu
            while current:
                names.append(current.name)
                current = current.parent_id
            menu.complete_name = " / ".join(reversed(names))

    def _visible_for(self, user):
        """The menus of this set the user may see (no groups = everyone)."""
        group_ids = set(user.sudo().groups_id.ids)
        return self.filtered(lambda m: not m.groups_id or group_ids & set(m.groups_id.ids))

    def action_record(self):
        """The action record this menu opens, or None."""
        if not self.action:
            return None
        model, _, rid = self.action.partition(",")
        return self.env[model].browse(int(rid)).exists() or None
