"""HTTP layer: ``@route`` on ``Controller`` classes, the ``request`` proxy, the WSGI ``Application``.

Example, in ``<addon>/controllers/main.py``::

    from coquiapps import http
    from coquiapps.http import request

    class Hello(http.Controller):
        @http.route("/hello", auth="user")
        def hello(self, name="world"):
            return request.render("my_addon/hello.html", {"name": name})
"""
from coquiapps.http.application import Application
from coquiapps.http.errors import SessionExpiredException
from coquiapps.http.request import Request, request
from coquiapps.http.routing import Controller, route
from coquiapps.http.sessions import Session

__all__ = ["Application", "Controller", "Request", "Session", "SessionExpiredException",
           "request", "route"]
