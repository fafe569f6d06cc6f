"""Access rights per model and group (``ir.model.access.csv``)."""
from psycopg2 import sql

from coquiapps import fields, models
from coquiapps.orm.access import OPERATIONS, check_operation

MODES = OPERATIONS


class IrModelAccess(models.Model):
    _name = "ir.model.access"
    _description = "Model Access"
    _order = "model_id, group_id, name"

    name = fields.Char(required=True, index=True)
    active = fields.Boolean(default=True)
    model_id = fields.Many2one("ir.model", "Model", required=True, ondelete="cascade", index=True)
    group_id = fields.Many2one("res.groups", "Group", ondelete="restrict", index=True)
    perm_read = fields.Boolean("Read Access")
    perm_write = fields.Boolean("Write Access")
    perm_create = fields.Boolean("Create Access")
    perm_unlink = fields.Boolean("Delete Access")

    def _check(self, model: str, mode: str, uid: int) -> bool:
        """Whether user ``uid`` may ``mode`` records of ``model`` (cached per registry)."""
        check_operation(mode)
        cache = self.pool.access_cache
        key = (uid, model, mode)
        if key not in cache:
            self.env.cr.execute(sql.SQL(
                """SELECT 1 FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id
                    WHERE m.model = %s AND a.active AND a.{perm}
                      AND (a.group_id IS NULL OR a.group_id IN (
                           SELECT gid FROM res_groups_users_rel WHERE uid = %s))
                    LIMIT 1""").format(perm=sql.Identifier(f"perm_{mode}")),
                (model, uid),
            )
            cache[key] = self.env.cr.fetchone() is not None
        return cache[key]

    def create(self, vals_list):
        self.pool.access_cache.clear()
        return super().create(vals_list)

    def write(self, vals):
        self.pool.access_cache.clear()
        return super().write(vals)

    def unlink(self):
        self.pool.access_cache.clear()
        return super().unlink()
