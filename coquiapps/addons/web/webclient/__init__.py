"""Server-side rendering of what addons declare: menus, actions, list/kanban/form views."""
