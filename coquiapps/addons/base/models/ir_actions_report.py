"""Report actions: the model only, so report look-ups answer as Odoo's do.

CoquiAPPs ships no report engine (no QWeb-to-PDF): asking to render one
fails with a :class:`UserError` that says so, never with a server error.
"""
from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError


class IrActionsReport(models.Model):
    _name = "ir.actions.report"
    _inherit = "ir.actions.actions"
    _description = "Report Action"
    _table = "ir_act_report_xml"
    _order = "name"

    type = fields.Char(default="ir.actions.report")
    binding_type = fields.Selection([("action", "Action"), ("report", "Report")], required=True,
                                    default="report")
    model = fields.Char("Model Name", required=True)
    report_type = fields.Selection([("qweb-html", "HTML"), ("qweb-pdf", "PDF"), ("qweb-text", "Text")],
                                   required=True, default="qweb-pdf")
    report_name = fields.Char("Template Name", required=True)
    report_file = fields.Char("Report File")
    print_report_name = fields.Char("Printed Report Name")
    attachment = fields.Char("Save as Attachment Prefix")
    attachment_use = fields.Boolean("Reload from Attachment")
    multi = fields.Boolean("On Multiple Doc.")
    groups_id = fields.Many2many("res.groups", "res_groups_report_rel", "uid", "gid", "Groups")

    @api.model
    def _get_report(self, report_ref):
        """The report named by ``report_ref``: a report, its id, its external id or its ``report_name``."""
        if isinstance(report_ref, models.BaseModel) and report_ref._name == self._name:
            return report_ref
        if isinstance(report_ref, int):
            report = self.browse(report_ref).exists()
        else:
            report = self.env.ref(report_ref, raise_if_not_found=False) if "." in report_ref else None
            if not report or report._name != self._name:
                report = self.search([("report_name", "=", report_ref)], limit=1)
        if not report:
            raise UserError(_("Report %s was not found.", report_ref))
        return report

    def _engine_missing(self, report_ref, kind: str):
        report = self._get_report(report_ref) if report_ref else self
        return UserError(_("The report %(name)s cannot be rendered as %(kind)s: this server has no "
                           "report engine (CoquiAPPs does not ship QWeb reports).",
                           name=report.report_name or report.name, kind=kind))

    @api.model
    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        raise self._engine_missing(report_ref, "PDF")

    @api.model
    def _render_qweb_html(self, report_ref, docids, data=None):
        raise self._engine_missing(report_ref, "HTML")

    @api.model
    def _render_qweb_text(self, report_ref, docids, data=None):
        raise self._engine_missing(report_ref, "text")

    @api.model
    def _render(self, report_ref, res_ids, data=None):
        report = self._get_report(report_ref)
        kind = {"qweb-pdf": "PDF", "qweb-html": "HTML", "qweb-text": "text"}[report.report_type]
        raise report._engine_missing(report, kind)

    def report_action(self, docids, data=None, config=True):
        """The client action printing this report (as Odoo returns it; rendering it then fails)."""
        self.ensure_one()
        ids = docids.ids if isinstance(docids, models.BaseModel) else docids
        return {"type": "ir.actions.report", "report_name": self.report_name, "report_type": self.report_type,
                "report_file": self.report_file, "name": self.name, "data": data,
                "context": {**self.env.context, "active_ids": ids}}
