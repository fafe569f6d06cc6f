from coquiapps import fields, models


class ResGroups(models.Model):
    _name = "res.groups"
    _description = "Access Groups"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    category = fields.Char()
    comment = fields.Text()
    users = fields.Many2many("res.users", "res_groups_users_rel", "gid", "uid", "Users")
    implied_ids = fields.Many2many("res.groups", "res_groups_implied_rel", "gid", "hid", "Inherits")
    full_name = fields.Char(compute="_compute_full_name")

    def _compute_full_name(self):
        for group in self:
            group.full_name = f"{group.category} / {group.name}" if group.category else group.name

    def _with_implied(self):
        """These groups and every group they imply, transitively."""
        result, todo = self.browse(), self
        while todo:
            result |= todo
            todo = todo.mapped("implied_ids") - result
        return result

    def write(self, vals):
        result = super().write(vals)
        if "implied_ids" in vals:
            for group in self:
                group.users.write({"groups_id": [(4, g.id) for g in group._with_implied()]})
        self.pool.access_cache.clear()
        return result
