"""Actions: window actions open views on a model, URL actions send the browser away."""
from coquiapps import fields, models


class IrActionsActWindow(models.Model):
    _name = "ir.actions.act_window"
    _description = "Window Action"
    _order = "name"

    name = fields.Char("Action Name", required=True, translate=True)
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
    help = fields.Html("Action Description")
    groups_id = fields.Many2many("res.groups", "ir_act_window_group_rel", "act_id", "gid", "Groups")

    def _for_client(self) -> dict:
        self.ensure_one()
        return {"type": "ir.actions.act_window", "id": self.id, "name": self.name,
                "res_model": self.res_model, "view_mode": self.view_mode, "domain": self.domain or "[]",
                "context": self.context or "{}", "res_id": self.res_id or False, "target": self.target}


class IrActionsActUrl(models.Model):
    _name = "ir.actions.act_url"
    _description = "URL Action"

    name = fields.Char(required=True)
    type = fields.Char(default="ir.actions.act_url")
    url = fields.Text(required=True)
    target = fields.Selection([("new", "New Window"), ("self", "This Window")], default="new")

    def _for_client(self) -> dict:
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.url, "target": self.target}
