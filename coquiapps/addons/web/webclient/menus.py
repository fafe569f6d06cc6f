"""Menus a user may see: by their groups, technical ones (``base.group_no_one``) in developer mode."""
from __future__ import annotations

from dataclasses import dataclass, field

from coquiapps.tools.translate import translate


@dataclass
class MenuItem:
    id: int
    name: str
    action: str | None
    children: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"/web/menu/{self.id}"


def user_group_ids(env, debug: bool) -> set[int]:
    groups = set(env.user.sudo().groups_id.ids)
    no_one = env["ir.model.data"].sudo()._xmlid_to_res_id("base.group_no_one", raise_if_not_found=False)
    if no_one:
        groups.discard(no_one)
        if debug:
            groups.add(no_one)
    return groups


def tree(env, debug: bool) -> list[MenuItem]:
    """The root menus (apps) with their visible sub-menus; empty branches are left out."""
    groups = user_group_ids(env, debug)
    menus = env["ir.ui.menu"].sudo().search([])
    items, children = {}, {}
    for menu in menus:
        if menu.groups_id and not groups & set(menu.groups_id.ids):
            continue
        items[menu.id] = MenuItem(menu.id, translate(menu.name), menu.action or None)
        children.setdefault(menu.parent_id.id or None, []).append(menu.id)

    def build(menu_id):
        item = items[menu_id]
        item.children = [c for c in (build(cid) for cid in children.get(menu_id, [])) if c]
        return item if (item.action or item.children) else None

    return [m for m in (build(mid) for mid in children.get(None, [])) if m]


def first_action(item: MenuItem) -> str | None:
    """The action of a menu, else of its first descendant having one."""
    if item.action:
        return item.action
    for child in item.children:
        found = first_action(child)
        if found:
            return found
    return None


def find(roots: list[MenuItem], menu_id: int) -> tuple[MenuItem | None, MenuItem | None]:
    """(root, menu) for a menu id among the visible ones."""
    def walk(item):
        if item.id == menu_id:
            return item
        for child in item.children:
            found = walk(child)
            if found:
                return found
        return None

    for root in roots:
        found = walk(root)
        if found:
            return root, found
    return None, None


def root_for_action(roots: list[MenuItem], action_id) -> MenuItem | None:
    """The app whose menus open ``ir.actions.act_window,<action_id>``."""
    target = f"ir.actions.act_window,{action_id}"

    def has(item):
        return item.action == target or any(has(c) for c in item.children)

    for root in roots:
        if has(root):
            return root
    return None
