from coquiapps import fields, models


class Mixin(models.AbstractModel):
    _name = "test.orm.mixin"
    _description = "Test Mixin"

    mixin_note = fields.Char(default="from mixin")

    def describe(self):
        return f"mixin:{self.mixin_note}"


class Mixed(models.Model):
    _name = "test.orm.mixed"
    _inherit = ["test.orm.mixin"]
    _description = "Uses the mixin"

    name = fields.Char()

    def describe(self):
        return "mixed+" + super().describe()
