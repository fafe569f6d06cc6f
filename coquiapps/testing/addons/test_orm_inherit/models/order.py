from coquiapps import fields, models


class Order(models.Model):
    _inherit = "test.orm.order"

    extra = fields.Char(default="extended")
    state = fields.Selection(selection_add=[("cancel", "Cancelled")])
    name = fields.Char(help="Extended help")

    def action_done(self):
        result = super().action_done()
        self.write({"extra": "done via extension"})
        return result
