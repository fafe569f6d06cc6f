"""Notices: short messages to users about something to fix (a failing job, an expiring secret)."""
import logging
import smtplib
from email.message import EmailMessage

from coquiapps import _, api, fields, models
from coquiapps.tools import config

_logger = logging.getLogger(__name__)

LEVELS = [("info", "Information"), ("warning", "Warning"), ("danger", "Danger")]


class ResNotice(models.Model):
    _name = "res.notice"
    _description = "Notice"
    _order = "dismissed, create_date desc, id desc"
    _rec_name = "title"

    user_id = fields.Many2one("res.users", "Recipient", required=True, ondelete="cascade", index=True)
    title = fields.Char(required=True)
    message = fields.Text()
    level = fields.Selection(LEVELS, default="info", required=True)
    res_model = fields.Char("Related Model", help="Model of the record to look at")
    res_id = fields.Integer("Related Record ID")
    # was ``read``, which hid the ORM's read() (search_read over XML-RPC failed)
    dismissed = fields.Boolean(default=False, index=True, oldname="read")

    def action_dismiss(self):
        """Dismiss these notices (the counter of the top bar counts the others)."""
        self.write({"dismissed": True})
        return True

    @api.model
    def notify_admins(self, title, message, record=None, level="warning"):
        """One notice per active system administrator (and an email when ``smtp_server`` is set).

        Server code calls it as superuser; a user may not (notices and mails
        to the administrators in the product's name would be a phishing tool).
        """
        self.env["res.users"]._check_system(_("Only administrators can send notices to the administrators."))
        group = self.env.ref("base.group_system", raise_if_not_found=False)
        if not group:
            return self.browse()
        self.env.cr.execute(
            """SELECT u.id FROM res_users u JOIN res_groups_users_rel r ON r.uid = u.id
               WHERE r.gid = %s AND u.active AND NOT u.share ORDER BY u.id""", (group.id,))
        user_ids = [row[0] for row in self.env.cr.fetchall()]
        values = [{"user_id": uid, "title": title, "message": message, "level": level,
                   "res_model": record._name if record else False,
                   "res_id": record.id if record else False} for uid in user_ids]
        notices = self.sudo().create(values) if values else self.browse()
        notices._send_emails()
        return notices

    def _send_emails(self):
        """Mail each notice whose recipient has an email, if a mail server is configured."""
        cfg = config.current()
        server = cfg.get("smtp_server")
        if not server:
            return 0
        sent = 0
        base_url = (self.env["ir.config_parameter"].sudo().get_param("web.base.url") or "").rstrip("/")
        for notice in self.sudo():
            address = notice.user_id.email
            if not address:
                continue
            mail = EmailMessage()
            mail["Subject"] = notice.title
            mail["From"] = cfg.get("email_from") or f"coquiapps@{server}"
            mail["To"] = address
            body = notice.message or notice.title
            if base_url:  # where to act on it (the web client's notices, with a link to the record)
                body += "\n\n" + _("Open your notices: %s", base_url + "/web/notices")
            mail.set_content(body)
            try:
                with smtplib.SMTP(server, cfg.get("smtp_port") or 25, timeout=10) as smtp:
                    smtp.send_message(mail)
                sent += 1
            except (OSError, smtplib.SMTPException) as exc:
                _logger.warning("notice %s: could not email %s: %s", notice.id, address, exc)
        return sent
