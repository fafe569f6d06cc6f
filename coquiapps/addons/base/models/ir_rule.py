"""Record rules: domains limiting which records a user reaches (e.g. per company)."""
from coquiapps import fields, models
from coquiapps.orm.domain import AND, OR, TRUE_LEAF
from coquiapps.tools.safe_eval import safe_eval


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
        user = self.env.user.sudo()
        allowed = self.env.context.get("allowed_company_ids") or user.company_ids.ids
        return {"user": user, "uid": self.env.uid, "company_ids": allowed,
                "company_id": allowed[0] if allowed else False}

    def _compute_domain(self, model_name: str, mode: str) -> list:
        """Global rules are ANDed; group rules of the user's groups are ORed together."""
        cr = self.env.cr
        cr.execute(
            f"""SELECT r.id, r.domain_force,
                       EXISTS (SELECT 1 FROM rule_group_rel g WHERE g.rule_group_id = r.id) AS has_groups,
                       EXISTS (SELECT 1 FROM rule_group_rel g JOIN res_groups_users_rel u ON u.gid = g.group_id
                               WHERE g.rule_group_id = r.id AND u.uid = %s) AS mine
                FROM ir_rule r JOIN ir_model m ON m.id = r.model_id
                WHERE m.model = %s AND r.active AND r.perm_{mode}""",
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
