"""Views: XML archs, combined with the views that inherit them."""
from lxml import etree

from coquiapps import fields, models
from coquiapps.exceptions import ValidationError
from coquiapps.tools.view_inheritance import ViewInheritanceError, apply_inheritance

VIEW_TYPES = [("list", "List"), ("tree", "List"), ("form", "Form"), ("search", "Search"),
              ("kanban", "Kanban"), ("qweb", "QWeb")]


class IrUiView(models.Model):
    _name = "ir.ui.view"
    _description = "View"
    _order = "priority, name, id"

    name = fields.Char("View Name", required=True)
    model = fields.Char(index=True)
    type = fields.Selection(VIEW_TYPES, "View Type")
    arch = fields.Text("View Architecture", required=True)
    priority = fields.Integer(default=16)
    inherit_id = fields.Many2one("ir.ui.view", "Inherited View", ondelete="restrict", index=True)
    inherit_children_ids = fields.One2many("ir.ui.view", "inherit_id", "Views which inherit from this one")
    mode = fields.Selection([("primary", "Base view"), ("extension", "Extension View")], default="primary")
    active = fields.Boolean(default=True)

    @classmethod
    def _root_type(cls, arch: str):
        root = etree.fromstring(arch.encode() if isinstance(arch, str) else arch)
        return root.tag

    def create(self, vals_list):
        single = isinstance(vals_list, dict)
        for vals in [vals_list] if single else vals_list:
            if vals.get("inherit_id"):
                vals.setdefault("mode", "extension")
            if vals.get("arch") and not vals.get("type") and not vals.get("inherit_id"):
                try:
                    vals["type"] = {"tree": "list"}.get(self._root_type(vals["arch"]), self._root_type(vals["arch"]))
                except etree.XMLSyntaxError as exc:
                    raise ValidationError(f"view {vals.get('name')!r}: invalid XML: {exc}") from exc
        records = super().create(vals_list)
        records._check_combined()
        return records

    def write(self, vals):
        result = super().write(vals)
        if "arch" in vals or "inherit_id" in vals:
            self._check_combined()
        return result

    def _check_combined(self):
        """An inheriting view must apply to its parent: fail now, naming view and spec."""
        for view in self:
            root = view
            while root.inherit_id:
                root = root.inherit_id
            root.get_combined_arch()

    def get_combined_arch(self) -> str:
        """The arch of this view with every active extension applied (depth first)."""
        self.ensure_one()
        tree = etree.fromstring(self.arch.encode())
        tree = self._apply_children(tree)
        return etree.tostring(tree, encoding="unicode")

    def _apply_children(self, tree):
        children = self.env["ir.ui.view"].search(
            [("inherit_id", "=", self.id), ("mode", "=", "extension")], order="priority, id")
        for child in children:
            spec = etree.fromstring(child.arch.encode())
            try:
                tree = apply_inheritance(tree, spec, child.name)
            except ViewInheritanceError as exc:
                raise ValidationError(str(exc)) from exc
            tree = child._apply_children(tree)
        return tree

    def default_view(self, model: str, view_type: str):
        types = ("list", "tree") if view_type in ("list", "tree") else (view_type,)
        return self.search([("model", "=", model), ("type", "in", list(types)), ("mode", "=", "primary")],
                           limit=1)
