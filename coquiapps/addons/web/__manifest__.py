{  # noqa: B018 (a manifest is a bare dict literal)
    "name": "Web",
    "version": "1.0",
    "summary": "The web client: login, menus, list/kanban/form views, Apps, database manager",
    "category": "Hidden",
    "depends": ["base"],
    "data": [],
    "installable": True,
    "auto_install": True,
    "license": "LGPL-3",
    "author": "CoquiAPPs",
}
