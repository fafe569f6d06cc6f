"""Record rules: domains limiting which records a user reaches (e.g. per company)."""
from psycopg2 import sql

from coquiapps import fields, models
from coquiapps.orm.access import check_operation
from coquiapps.orm.domain import AND, OR, TRUE_LEAF
from coquiapps.tools.safe_eval import safe_eval


class RecordRef:
    """Ids of records, as a rule domain uses them (``user.company_id.id``, ``user.company_ids.ids``).

    Not a recordset: it carries no environment, so nothing evaluated from a
    rule can read other fields or reach the cursor.
    """

    __slots__ = ("ids",)

    def __init__(self, ids):
        self.ids = [i for i in ids if i]

    @property
    def id(self):
        return self.ids[0] if self.ids else False

    @property
    def _ids(self):  # what domains accept as a recordset value
        return tuple(self.ids)

    def __bool__(self):
        return bool(self.ids)

    def __len__(self):
        return len(self.ids)

    def __iter__(self):
        return iter(RecordRef([i]) for i in self.ids)

    def __repr__(self):
        return f"RecordRef({self.ids!r})"


class RuleUser:
    """The current user as rule domains see it: a few plain values, read once."""

    __slots__ = ("id", "login", "name", "company_id", "company_ids", "partner_id", "groups_id")

    def __init__(self, user):
        self.id = user.id
        self.login = user.login
        self.name = user.name
        self.company_id = RecordRef([user.company_id.id])
        self.company_ids = RecordRef(user.company_ids.ids)
        self.partner_id = RecordRef([user.partner_id.id])
        self.groups_id = RecordRef(user.groups_id.ids)

    def __repr__(self):
        return f"RuleUser({self.id})"


class IrRule(models.Model):
    _name = "ir.rule"
    _description = "Record Rule"
    _order = "model_id, name"

    name = fields.Char()
    active = fields.Boolean(default=True)
    model_id = fields.Many2one("ir.model", "Model", required=True, ondelete="cascade", index=True)
    groups = fields.Many2many("res.groups", "rule_group_rel", "rule_group_id", "group_id")
    domain_force = fields.Text("Domain")
    perm_read = fields.Boolean("Apply for Read", default=True)
    perm_write = fields.Boolean("Apply for Write", default=True)
    perm_create = fields.Boolean("Apply for Create", default=True)
    perm_unlink = fields.Boolean("Apply for Delete", default=True)

    def _eval_context(self):
        """Plain values only: nothing in it leads to the environment or to other records.

        The companies are those of the context only when the user belongs to
        them (``env.companies`` refuses others), else all of the user's.
        """
        companies = self.env.companies.ids
        return {"user": RuleUser(self.env.user.sudo()), "uid": self.env.uid,
                "company_ids": companies, "company_id": companies[0] if companies else False}

    def _compute_domain(self, model_name: str, mode: str) -> list:
        """Global rules are ANDed; group rules of the user's groups are ORed together."""
        check_operation(mode)
        cr = self.env.cr
        cr.execute(sql.SQL(
            """SELECT r.id, r.domain_force,
                       EXISTS (SELECT 1 FROM rule_group_rel g WHERE g.rule_group_id = r.id) AS has_groups,
                       EXISTS (SELECT 1 FROM rule_group_rel g JOIN res_groups_users_rel u ON u.gid = g.group_id
                               WHERE g.rule_group_id = r.id AND u.uid = %s) AS mine
                FROM ir_rule r JOIN ir_model m ON m.id = r.model_id
                WHERE m.model = %s AND r.active AND r.{perm}""").format(
                perm=sql.Identifier(f"perm_{mode}")),
            (self.env.uid, model_name),
        )
        rows = cr.fetchall()
        if not rows:
            return []
        context = self._eval_context()
        global_domains, group_domains = [], []
        for _rid, domain, has_groups, mine in rows:
            value = safe_eval(domain or "[]", context) or []
            if not has_groups:
                global_domains.append(list(value))
            elif mine:
                group_domains.append(list(value))
        parts = list(global_domains)
        if group_domains:
            parts.append(OR([d or [TRUE_LEAF] for d in group_domains]))
        return AND(parts)
