"""Routing: @route, controller inheritance with super(), addons not installed, JSON envelopes."""
import pytest

from coquiapps import http
from coquiapps.http import request, routing

from .common import WebClient, text


@pytest.fixture
def controllers():
    """Controllers defined by a test, forgotten afterwards."""
    made = []
    yield made
    for cls in made:
        routing.unregister(cls)


def test_route_arguments_are_checked():
    with pytest.raises(ValueError):
        http.route("/x", type="xml")
    with pytest.raises(ValueError):
        http.route("/x", auth="nobody")
    with pytest.raises(TypeError):
        http.route("/x", colour="red")


def test_override_keeps_path_and_calls_super(base_db, controllers):
    class First(http.Controller):
        _addon = "web"

        @http.route("/test_web/hello", auth="none")
        def hello(self, name="world"):
            return f"hello {name}"

    class Second(First):
        _addon = "web"

        @http.route()
        def hello(self, name="world"):
            return super().hello(name).upper()

    controllers += [First, Second]
    client = WebClient()
    response = client.get(f"/test_web/hello?name=bob&db={base_db}")
    assert response.status_code == 200
    assert text(response) == "HELLO BOB"


def test_routes_of_addons_not_installed_do_not_answer(base_db, controllers):
    class Elsewhere(http.Controller):
        _addon = "test_orm"

        @http.route("/test_web/elsewhere", auth="none")
        def there(self):
            return "here"

    controllers.append(Elsewhere)
    client = WebClient()
    assert client.get(f"/test_web/elsewhere?db={base_db}").status_code == 404
    url_map = routing.routing_map(("base", "test_orm"))
    assert any(rule.rule == "/test_web/elsewhere" for rule in url_map.iter_rules())


def test_json_route_envelope_and_errors(base_db, controllers):
    from coquiapps.exceptions import UserError

    class Api(http.Controller):
        _addon = "web"

        @http.route("/test_web/add", type="json", auth="none")
        def add(self, a, b):
            return a + b

        @http.route("/test_web/refuse", type="json", auth="none")
        def refuse(self):
            raise UserError("not today")

        @http.route("/test_web/env", type="http", auth="user")
        def who(self):
            return request.make_json_response({"uid": request.env.uid, "su": request.env.su,
                                               "db": request.db})

    controllers.append(Api)
    client = WebClient()
    client.get(f"/web/login?db={base_db}")
    assert client.json("/test_web/add", {"a": 2, "b": 3}) == {"jsonrpc": "2.0", "id": 1, "result": 5}
    error = client.json("/test_web/refuse")["error"]
    assert error["code"] == 200
    assert error["data"]["name"] == "coquiapps.exceptions.UserError"
    assert error["data"]["message"] == "not today"
    assert client.get("/test_web/env").status_code == 303  # needs a user: to the login page
    client.login(base_db)
    data = client.get("/test_web/env").get_json()
    assert data["uid"] == 2 and data["su"] is False and data["db"] == base_db


def test_rpc_paths_are_delegated_or_404(base_db):
    import importlib.util

    response = WebClient().client.post("/xmlrpc/2/common")
    if importlib.util.find_spec("coquiapps.service.rpc") is None:
        assert response.status_code == 404
    else:
        assert response.status_code != 404


def test_each_application_keeps_its_url_maps_until_controllers_change(controllers):
    maps, other = routing.RouteMaps(), routing.RouteMaps()
    first = maps.get(("base",))
    assert maps.get(("base",)) is first and other.get(("base",)) is not first

    class Later(http.Controller):
        _addon = "web"

        @http.route("/test_web/later", auth="none")
        def later(self):
            return "later"

    controllers.append(Later)
    rebuilt = maps.get(("base",))
    assert rebuilt is not first and any(rule.rule == "/test_web/later" for rule in rebuilt.iter_rules())
