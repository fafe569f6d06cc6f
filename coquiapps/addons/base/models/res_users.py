"""Users: login, hashed password, groups, companies."""
import hashlib

from coquiapps import api, fields, models
from coquiapps.exceptions import AccessDenied, AccessError, UserError
from coquiapps.orm import inherits
from coquiapps.tools.passwords import hash_password, verify_password


class ResUsers(models.Model):
    _name = "res.users"
    _description = "User"
    _order = "name, login"
    # as in Odoo, a user carries its contact's fields (email, comment, child_ids, image_1920...)
    _inherits = {"res.partner": "partner_id"}

    partner_id = fields.Many2one("res.partner", "Related Partner", required=True, ondelete="restrict")
    name = fields.Char(related="partner_id.name", readonly=False, store=True)
    login = fields.Char(required=True, help="Used to log into the system")
    password = fields.Char(compute="_compute_password", inverse="_set_password", password=True,
                           copy=False, help="Write-only: stored as a salted scrypt hash")
    password_crypt = fields.Char(password=True, copy=False, groups="base.group_system")
    active = fields.Boolean(default=True)
    share = fields.Boolean("Portal User", default=False)
    lang = fields.Char("Language", default="en_US")
    tz = fields.Char("Timezone", help="Empty: the browser's time zone")
    groups_id = fields.Many2many("res.groups", "res_groups_users_rel", "uid", "gid", "Groups")
    company_id = fields.Many2one("res.company", "Company", required=True,
                                 default=lambda self: self.env.company.id if self.env.uid else False)
    company_ids = fields.Many2many("res.company", "res_company_users_rel", "user_id", "cid", "Companies")
    login_date = fields.Datetime("Latest Login", readonly=True)
    api_key_ids = fields.One2many("res.users.apikeys", "user_id", "API Keys")
    state = fields.Selection([("new", "Never Connected"), ("active", "Confirmed")], "Status",
                             compute="_compute_state", store=True)
    action_id = fields.Many2one("ir.actions.actions", "Home Action", ondelete="set null",
                                help="If specified, this action will be opened at log on for this user, "
                                     "in addition to the standard menu.")

    _sql_constraints = [("login_key", "UNIQUE (login)", "You can not have two users with the same login!")]

    @api.depends("login_date")
    def _compute_state(self):
        for user in self:
            user.state = "active" if user.login_date else "new"

    @api.model
    def _init_state(self) -> None:
        """Fill ``state`` where the column was just added (a stored compute is not run for old rows)."""
        self.env.cr.execute("UPDATE res_users SET state = CASE WHEN login_date IS NULL THEN 'new' ELSE 'active' END "
                            "WHERE state IS NULL")

    def _compute_password(self):
        for user in self:
            user.password = False

    def _set_password(self):
        for user in self:
            password = user.env.cr.cache.get(user._fields["password"], {}).get(user.id)
            if password:
                user.sudo().write({"password_crypt": hash_password(password)})

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access_rights("create")  # before the partners are made as superuser
        single = isinstance(vals_list, dict)
        vals_list = [vals_list] if single else list(vals_list)
        for index, vals in enumerate(vals_list):
            if not vals.get("partner_id"):
                # the contact is made from the values given for its fields (name, email, comment...)
                own, delegated = inherits.split_values(self, vals)
                partner_vals = delegated.get("partner_id", {})
                partner_vals["name"] = partner_vals.get("name") or vals.get("login")
                vals = vals_list[index] = {**own, "partner_id": self.env["res.partner"].sudo().create(
                    partner_vals).id}
            if vals.get("company_id") and not vals.get("company_ids"):
                vals["company_ids"] = [(6, 0, [vals["company_id"]])]
        users = super().create(vals_list)
        users._add_implied_groups()
        return users[0] if single else users

    def write(self, vals):
        result = super().write(vals)
        if "groups_id" in vals:
            self._add_implied_groups()
            self.pool.access_cache.clear()
        return result

    def _add_implied_groups(self):
        for user in self.sudo():
            missing = user.groups_id._with_implied() - user.groups_id
            if missing:
                user.write({"groups_id": [(4, g.id) for g in missing]})

    @api.model
    def _check_system(self, refusal: str) -> None:
        """Go on only for the superuser or a system administrator; else :class:`AccessError` (``refusal``).

        The one check every public method that elevates for a system-wide
        action makes first; ``refusal`` names the action for the user, e.g.
        "Only administrators can change system parameters.".
        """
        if self.env.su or self.env.user.has_group("base.group_system"):
            return
        raise AccessError(refusal)

    def has_group(self, xmlid: str) -> bool:
        """Whether this user (default: the environment's) belongs to group ``xmlid``.

        Asking about another user needs the right to read that user.
        """
        uid = self.id if self._ids else self.env.uid
        if uid != self.env.uid and not self.env.su:
            self.ensure_one().check_access("read")
        group_id = self.env["ir.model.data"].sudo()._xmlid_to_res_id(xmlid, raise_if_not_found=False)
        if not group_id:
            return False
        self.env.cr.execute("SELECT 1 FROM res_groups_users_rel WHERE uid = %s AND gid = %s", (uid, group_id))
        return self.env.cr.fetchone() is not None

    @api.model
    def _login(self, login: str, password: str, interactive: bool = True) -> int:
        """The uid of the active user with this login and password; AccessDenied otherwise.

        Every login path comes here: failures are throttled per account and per
        client address and logged (:mod:`coquiapps.service.throttle`). Outside
        an interactive session (RPC ``authenticate``) one of the user's API
        keys stands for the password, as in Odoo.
        """
        from coquiapps.service import apikeys, throttle

        self.env.cr.execute(
            "SELECT id, password_crypt FROM res_users WHERE login = %s AND active", (login,))
        row = self.env.cr.fetchone()
        dbname = self.env.cr.dbname
        # an unknown "login" is often a password typed in the wrong field: kept only as a digest
        account = f"uid:{row[0]}" if row else "unknown:" + hashlib.sha256(str(login).encode()).hexdigest()[:16]
        throttle.check_login(dbname, account, self.env.cr)
        if not row or not password or not (
                verify_password(password, row[1])
                or (not interactive and apikeys.key_user(self.env.cr, password, uid=row[0]))):
            throttle.login_failed(dbname, account)
            raise AccessDenied()  # "Access Denied", as Odoo: clients match on it
        throttle.login_succeeded(dbname, account)
        # the status follows the first login (stored: searchable, as Odoo's is)
        self.env.cr.execute("UPDATE res_users SET login_date = now() at time zone 'UTC', state = 'active' "
                            "WHERE id = %s", (row[0],))
        return row[0]

    @api.model
    def context_get(self) -> dict:
        """The context of the current user: ``lang``, ``tz`` and ``uid`` (OdooRPC asks for it at login)."""
        user = self.env.user.sudo()
        return {"lang": user.lang or "en_US", "tz": user.tz or "UTC", "uid": self.env.uid}

    @api.model
    def _check_credentials(self, uid: int, password: str) -> None:
        """AccessError unless ``password`` is the one of active user ``uid`` (private: a password oracle)."""
        self.env.cr.execute("SELECT password_crypt FROM res_users WHERE id = %s AND active", (uid,))
        row = self.env.cr.fetchone()
        if not row or not verify_password(password, row[0]):
            raise AccessError("Wrong login/password")

    def change_password(self, old_password: str, new_password: str) -> bool:
        self._check_credentials(self.env.uid, old_password)
        if not new_password:
            raise UserError("Setting an empty password is not allowed.")
        self.env.user.sudo().password = new_password
        return True
