"""odoo-client-lib (``odoolib``), as its README uses it, against a live server over XML-RPC and JSON-RPC."""
import odoolib
import pytest
from odoolib.tools import AuthenticationError

from coquiapps.tests.test_odoo_client_compat import compat_db  # noqa: F401  (a module fixture)


def connect(server, db, protocol, password="admin"):  # noqa: F811
    host, port = server.removeprefix("http://").split(":")
    return odoolib.get_connection(hostname=host, port=int(port), protocol=protocol, database=db,
                                  login="admin", password=password)


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_readme_session(server, compat_db, protocol):  # noqa: F811
    connection = connect(server, compat_db, protocol)
    connection.check_login()
    assert connection.user_id
    context = connection.get_user_context()
    assert context["lang"] and "tz" in context

    users = connection.get_model("res.users")
    [uid] = users.search([("login", "=", "admin")])
    info = users.read(uid, ["name", "company_id"])  # one id in, one dict out (the library indexes by id)
    assert info["name"] == "Administrator" and info["company_id"][0]

    partners = connection.get_model("res.partner")
    pid = partners.create({"name": f"odoolib {protocol}"})
    assert partners.write([pid], {"ref": "OL"}) is True
    rows = partners.search_read([("id", "=", pid)], ["name", "ref"], 0, 1, "id desc")
    assert rows == [{"id": pid, "name": f"odoolib {protocol}", "ref": "OL"}]
    assert partners.unlink([pid]) is True
    assert partners.search([("id", "=", pid)]) == []


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_wrong_password_is_an_authentication_error(server, compat_db, protocol):  # noqa: F811
    with pytest.raises(AuthenticationError):
        connect(server, compat_db, protocol, password="not the password").check_login()
