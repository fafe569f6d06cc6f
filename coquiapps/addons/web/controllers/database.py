"""``/web/database/manager``: create, duplicate, drop, backup, restore; master password."""
from __future__ import annotations

import datetime as dt
import logging

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from coquiapps import http, sql_db
from coquiapps.exceptions import AccessError
from coquiapps.http import dbselect, request
from coquiapps.service import backup
from coquiapps.tools import config
from coquiapps.tools.translate import _

from ..webclient import master

_logger = logging.getLogger(__name__)
MANAGER = "/web/database/manager"


def _enabled() -> None:
    if not config.current().get("list_db"):
        raise NotFound(_("The database manager is disabled on this server."))


def _served(name) -> None:
    """Refuse a database this server does not serve (not ours, or outside ``db_filter``/``-d``)."""
    if not isinstance(name, str) or name not in dbselect.allowed_dbs(request.httprequest.host):
        raise ValueError(_("The database %s does not exist.", name))


def _servable(name) -> None:
    """Refuse a new database name this server would not serve (outside ``db_filter``/``-d``)."""
    from coquiapps.service import db

    db.check_name(name)
    if not dbselect.matches(name, request.httprequest.host):
        raise ValueError(_("This server does not serve a database named %s (db_filter).", name))


def _release_database() -> None:
    """Give back this request's own connection (the session's database) before operating on databases.

    Duplicating a database ends every connection to it (a template must have
    none), and so does dropping one: the connection of an administrator still
    logged in to it must not be among them.
    """
    if request.cr is not None:
        request.cr.close()
        request.cr = None
        request.env = None


class Database(http.Controller):
    """Database operations, each behind the master password."""

    @http.route(MANAGER, type="http", auth="none", methods=["GET"])
    def manager(self, **kw):
        _enabled()
        from coquiapps.service import db

        databases = dbselect.allowed_dbs(request.httprequest.host)
        langs = db.known_languages()
        return request.render("web/database_manager.html", {
            "databases": databases, "master_set": master.is_set(), "langs": langs,
            "notices": request.pop_notices()})

    def _run(self, master_pwd, func, success):
        _enabled()
        try:
            master.check(master_pwd)
            _release_database()
            result = func()
        except (AccessError, sql_db.DatabaseError, ValueError, RuntimeError, FileNotFoundError) as exc:
            request.notify(exc.args[0] if exc.args else str(exc), "danger")
            return request.redirect(MANAGER)
        except Exception as exc:  # an install error while creating names module, file and line
            _logger.exception("database manager operation failed")
            request.notify(f"{type(exc).__name__}: {exc}", "danger")
            return request.redirect(MANAGER)
        if isinstance(result, Response):
            return result
        request.notify(success, "success")
        return request.redirect(MANAGER)

    @http.route("/web/database/create", type="http", auth="none", methods=["POST"])
    def create(self, master_pwd="", name="", login="admin", password="", lang="en_US", demo=None, **kw):
        from coquiapps.service import db

        def run():
            if not password:
                raise ValueError(_("The administrator password is required."))
            _servable(name)
            db.create_database(name, demo=bool(demo), admin_password=password, login=login or "admin",
                               lang=lang or "en_US")

        return self._run(master_pwd, run, _("Database %s created.", name))

    @http.route("/web/database/duplicate", type="http", auth="none", methods=["POST"])
    def duplicate(self, master_pwd="", name="", new_name="", neutralize=None, **kw):
        from coquiapps.service import db

        def run():
            _served(name)
            _servable(new_name)
            db.duplicate_database(name, new_name, neutralize=bool(neutralize))

        return self._run(master_pwd, run,
                         _("Database %(name)s duplicated as %(new_name)s (neutralized).", name=name, new_name=new_name)
                         if neutralize else
                         _("Database %(name)s duplicated as %(new_name)s.", name=name, new_name=new_name))

    @http.route("/web/database/drop", type="http", auth="none", methods=["POST"])
    def drop(self, master_pwd="", name="", **kw):
        from coquiapps.service import db

        def run():
            _served(name)
            db.drop_database(name)
            if request.session.get("db") == name:
                request.session.logout(keep_db=False)

        return self._run(master_pwd, run, _("Database %s dropped.", name))

    @http.route("/web/database/backup", type="http", auth="none", methods=["POST"])
    def backup(self, master_pwd="", name="", **kw):

        def run():
            _served(name)
            data = backup.backup(name)
            stamp = dt.datetime.utcnow().strftime("%Y-%m-%d_%H-%M-%S")
            return Response(data, content_type="application/zip", headers=[
                ("Content-Disposition", f'attachment; filename="{name}_{stamp}.zip"')])

        return self._run(master_pwd, run, "")

    @http.route("/web/database/restore", type="http", auth="none", methods=["POST"])
    def restore(self, master_pwd="", name="", backup_file=None, copy=None, neutralize=None, **kw):
        def run():
            if backup_file is None or not getattr(backup_file, "filename", ""):
                raise ValueError(_("Choose a backup file to restore."))
            _servable(name)
            backup.restore(name, backup_file.read(), copy=bool(copy), neutralize=bool(neutralize))

        return self._run(master_pwd, run, _("Database %s restored.", name))

    @http.route("/web/database/change_password", type="http", auth="none", methods=["POST"])
    def change_password(self, master_pwd="", master_pwd_new="", **kw):
        return self._run(master_pwd, lambda: master.change(master_pwd, master_pwd_new),
                         _("Master password changed."))
