"""Update Apps List: reads the manifests and says what it found."""
from coquiapps import fields, models


class BaseModuleUpdate(models.TransientModel):
    _name = "base.module.update"
    _description = "Update Module"

    updated = fields.Integer("Number of modules updated", readonly=True)
    added = fields.Integer("Number of modules added", readonly=True)
    errors = fields.Text("Unreadable manifests", readonly=True)
    state = fields.Selection([("init", "init"), ("done", "done")], default="init", readonly=True)

    def update_module(self):
        modules = self.env["ir.module.module"]
        for wizard in self:
            updated, added = modules.update_list()
            errors = modules.manifest_errors()
            wizard.write({
                "updated": updated, "added": added, "state": "done",
                "errors": "\n".join(f"{name}: {reason}" for name, reason in sorted(errors.items())) or False,
            })
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new"}

    def action_module_open(self):
        return {"type": "ir.actions.act_window", "res_model": "ir.module.module", "name": "Apps",
                "view_mode": "kanban,list,form", "domain": "[]", "context": "{'search_default_app': 1}"}
