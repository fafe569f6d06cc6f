"""The page frame: menus of the user, notices, the neutralized-database banner."""
from __future__ import annotations

from coquiapps.http import request

from . import menus, notices


def is_neutralized() -> bool:
    from coquiapps.modules.neutralize import is_neutralized as check

    if request.cr is None:
        return False
    return check(request.cr)


def page(template: str, values: dict | None = None, app=None, status: int = 200):
    """Render ``template`` inside the web client frame (menus, notices, banner)."""
    env = request.env
    roots = menus.tree(env, request.debug) if env is not None and request.uid else []
    frame = {
        "menus": roots,
        "current_app": app,
        "user_name": env.user.sudo().name if env is not None and request.uid else "",
        "neutralized": is_neutralized(),
        "notices": request.pop_notices(),
        "notice_count": notices.unread_count(env) if request.uid else 0,
    }
    return request.render(template, {**frame, **(values or {})}, status=status)
