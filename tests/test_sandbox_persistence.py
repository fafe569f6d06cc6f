"""The sandbox keeps its world under ``data_dir``: a link made before a restart still works after it."""
import json

from amazon_sandbox.testing import running

PARTICIPATIONS = "/sellers/v1/marketplaceParticipations"


def _link(h):
    """The consent round trip of the public app for the NA seller: (app, refresh token)."""
    app, seller = h.app("public"), h.seller("NA")
    code = h.control("POST", "authorization-code", {
        "client_id": app["client_id"], "selling_partner_id": seller["selling_partner_id"]})
    response = h.token(grant_type="authorization_code", code=code["spapi_oauth_code"],
                       redirect_uri=code["redirect_uri"], client_id=app["client_id"],
                       client_secret=app["client_secret"])
    assert response.status_code == 200, response.text
    return app, response.json()


def test_link_survives_a_restart(tmp_path):
    with running(seed=1, data_dir=tmp_path) as first:
        app, tokens = _link(first)
        rotated = first.control("POST", f"apps/{app['client_id']}/rotate-secret", {"notify": False})
        order_ids = first.control("POST", "orders", {
            "selling_partner_id": first.seller("NA")["selling_partner_id"], "count": 2})["order_ids"]
        before = first.state()
    assert (tmp_path / "world.json").exists() and not list(tmp_path.glob("*.tmp"))

    with running(seed=1, data_dir=tmp_path) as second:
        after = second.state()
        assert after["apps"] == before["apps"] and after["sellers"] == before["sellers"]
        assert after["now"] >= before["now"]  # Amazon's clock never runs back
        # the refresh token issued before the restart still refreshes, with the rotated secret
        refreshed = second.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"],
                                 client_id=app["client_id"], client_secret=rotated["client_secret"])
        assert refreshed.status_code == 200, refreshed.text
        assert second.sp("NA", PARTICIPATIONS, refreshed.json()["access_token"]).status_code == 200
        # so does the access token handed out before (it has not expired)
        assert second.sp("NA", PARTICIPATIONS, tokens["access_token"]).status_code == 200
        seller_id = second.seller("NA")["selling_partner_id"]
        kept = {o["order_id"] for o in second.control(
            "GET", "orders", params={"selling_partner_id": seller_id})["orders"]}
        assert set(order_ids) <= kept
        # new orders after the restart get new ids (the generator went on where it stopped)
        more = second.control("POST", "orders", {"selling_partner_id": seller_id, "count": 3})["order_ids"]
        assert not set(more) & kept


def test_without_data_dir_nothing_is_kept(tmp_path):
    with running(seed=1) as first:
        _app, tokens = _link(first)
    with running(seed=1) as second:
        app = second.app("public")
        refreshed = second.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"],
                                 client_id=app["client_id"], client_secret=app["client_secret"])
        assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant"
    assert not list(tmp_path.iterdir())


def test_a_world_of_another_seed_is_not_restored(tmp_path):
    with running(seed=1, data_dir=tmp_path) as first:
        _link(first)
        seller_one = first.seller("NA")["selling_partner_id"]
    with running(seed=2, data_dir=tmp_path) as second:
        assert second.seller("NA")["selling_partner_id"] != seller_one
    assert json.loads((tmp_path / "world.json").read_text())["seed"] == 2
