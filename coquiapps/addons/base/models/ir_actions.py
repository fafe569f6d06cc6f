"""Actions: window actions open views on a model, URL actions send the browser away.

As in Odoo, every kind of action is an ``ir.actions.actions``: each action
record of a concrete kind (``ir.actions.act_window``, ``ir.actions.act_url``,
``ir.actions.report``) has a row of the same id in ``ir_actions`` naming its
kind in ``type``, so one id designates one action whatever its kind and
``ir.actions.actions`` answers searches over all of them.
"""
import logging

from coquiapps import api, fields, models

_logger = logging.getLogger(__name__)

BASE = "ir.actions.actions"
KINDS = ("ir.actions.act_window", "ir.actions.act_url", "ir.actions.report")


class IrActionsActions(models.Model):
    _name = BASE
    _description = "Actions"
    _table = "ir_actions"
    _order = "name"

    name = fields.Char("Action Name", required=True, translate=True)
    type = fields.Char("Action Type", required=True)
    help = fields.Html("Action Description")
    binding_model_id = fields.Many2one("ir.model", ondelete="cascade",
                                       help="Setting a value makes this action available in the sidebar "
                                            "for the given model.")
    binding_type = fields.Selection([("action", "Action"), ("report", "Report")], required=True,
                                    default="action")
    binding_view_types = fields.Char(default="list,form")

    @api.model_create_multi
    def create(self, vals_list):
        if self._name == BASE:
            return super().create(vals_list)
        single = isinstance(vals_list, dict)
        vals_list = [vals_list] if single else list(vals_list)
        self.check_access_rights("create")  # before the shared rows are made as superuser
        self._sync_action_ids()
        shared = self.env[BASE].sudo().create([{"name": vals.get("name") or self._description,
                                                "type": self._name} for vals in vals_list])
        # the kind's row takes the id of its ir_actions row: one id, one action
        records = super().create([{**vals, "id": rid} for vals, rid in zip(vals_list, shared.ids, strict=True)])
        return records[0] if single else records

    def write(self, vals):
        result = super().write(vals)
        if self._name != BASE and "name" in vals:
            self.env[BASE].sudo().browse(self.ids).exists().write({"name": vals["name"]})
        return result

    def unlink(self):
        ids, kind = list(self.ids), self._name
        result = super().unlink()
        if kind != BASE:
            self.env[BASE].sudo().browse(ids).exists().unlink()
        return result

    @api.model
    def _sync_action_ids(self) -> None:
        """Give actions made before ``ir_actions`` existed their shared row, once.

        Data directories from before hold window/URL actions with ids of their
        own: each gets the ``ir_actions`` row of its id (the first kind wins a
        clash, which is logged), and new ids start after all of them.
        """
        cr = self.env.cr
        for kind in KINDS:
            if kind not in self.env:
                continue
            table = self.env[kind]._table
            cr.execute(f"""INSERT INTO ir_actions (id, name, type, binding_type, binding_view_types)
                           SELECT k.id, k.name, %s, 'action', 'list,form' FROM "{table}" k
                           WHERE NOT EXISTS (SELECT 1 FROM ir_actions a WHERE a.id = k.id)""", (kind,))
            cr.execute(f"""SELECT k.id FROM "{table}" k JOIN ir_actions a ON a.id = k.id
                           WHERE a.type != %s""", (kind,))
            clashes = [row[0] for row in cr.fetchall()]
            if clashes:
                _logger.warning("%s ids %s clash with other actions' ids: not listed in ir.actions.actions",
                                kind, clashes)
        tables = [self.env[kind]._table for kind in KINDS if kind in self.env]
        highest = " UNION ALL ".join(f'SELECT max(id) AS id FROM "{table}"' for table in ["ir_actions", *tables])
        cr.execute(f"SELECT setval('ir_actions_id_seq', GREATEST(1, (SELECT max(id) FROM ({highest}) m)))")


class IrActionsActWindow(models.Model):
    _name = "ir.actions.act_window"
    _inherit = BASE
    _description = "Window Action"
    _table = "ir_actions_act_window"
    _order = "name"

    type = fields.Char(default="ir.actions.act_window")
    res_model = fields.Char("Destination Model", required=True)
    view_mode = fields.Char(default="list,form")
    view_id = fields.Many2one("ir.ui.view", "View Ref.", ondelete="set null")
    search_view_id = fields.Many2one("ir.ui.view", "Search View Ref.", ondelete="set null")
    domain = fields.Char(help="Domain limiting the records shown")
    context = fields.Char(default="{}")
    res_id = fields.Integer("Record ID")
    target = fields.Selection([("current", "Current Window"), ("new", "New Window")], default="current")
    limit = fields.Integer(default=80)
    groups_id = fields.Many2many("res.groups", "ir_act_window_group_rel", "act_id", "gid", "Groups")

    def _for_client(self) -> dict:
        self.ensure_one()
        return {"type": "ir.actions.act_window", "id": self.id, "name": self.name,
                "res_model": self.res_model, "view_mode": self.view_mode, "domain": self.domain or "[]",
                "context": self.context or "{}", "res_id": self.res_id or False, "target": self.target}


class IrActionsActUrl(models.Model):
    _name = "ir.actions.act_url"
    _inherit = BASE
    _description = "URL Action"
    _table = "ir_actions_act_url"

    type = fields.Char(default="ir.actions.act_url")
    url = fields.Text(required=True)
    target = fields.Selection([("new", "New Window"), ("self", "This Window")], default="new")

    def _for_client(self) -> dict:
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.url, "target": self.target}
