"""Wizard: download or upload an account's SKU links (offers) as CSV."""
from coquiapps import _, fields, models
from coquiapps.exceptions import UserError


class AmazonOfferCsvWizard(models.TransientModel):
    """Export the offers of an account to CSV, or import a CSV (all rows or none)."""

    _name = "amazon.offer.csv.wizard"
    _description = "Amazon SKU Links CSV"

    account_id = fields.Many2one("amazon.account", "Account", required=True, ondelete="cascade")
    csv_file = fields.Binary("CSV File to Import", help="Columns: sku, marketplace (marketplace id), default_code")
    filename = fields.Char()
    result = fields.Text(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", "Exported File", readonly=True, ondelete="set null",
                                    help="The last export, kept on the account under its attachments")

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new", "name": _("SKU Links (CSV)")}

    def action_export(self):
        """Store the account's offers as a CSV file attached to the account, linked here to download."""
        self.ensure_one()
        account = self.account_id
        text = account.export_offers_csv()
        count = max(len(text.splitlines()) - 1, 0)
        attachment = self.env["ir.attachment"].create({
            "name": _("SKU links - %s.csv") % account.name, "datas": text.encode(), "mimetype": "text/csv",
            "res_model": account._name, "res_id": account.id})
        self.write({"attachment_id": attachment.id,
                    "result": _("%(count)s SKU link(s) exported to %(file)s: download it below (it is also "
                                "listed under the account's attachments).", count=count, file=attachment.name)})
        return self._reopen()

    def action_import(self):
        """Import ``csv_file``: every row or none; wrong rows are listed by line number."""
        self.ensure_one()
        if not self.csv_file:
            raise UserError(_("Choose a CSV file to import."))
        try:
            text = self.csv_file.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError(_("The file is not UTF-8 text.")) from None
        result = self.account_id.import_offers_csv(text)
        if result["errors"]:
            lines = "\n".join(_("line %(line)s: %(reason)s", line=line, reason=reason)
                              for line, reason in result["errors"])
            raise UserError(_("Nothing was imported; fix these rows and try again:\n%s") % lines)
        self.write({"result": _("%(created)s SKU link(s) created, %(updated)s updated.",
                                created=result["created"], updated=result["updated"])})
        return self._reopen()
