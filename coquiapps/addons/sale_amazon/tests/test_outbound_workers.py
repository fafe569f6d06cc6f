"""Two workers never get the same outbound work: pending records are taken with SKIP LOCKED."""
from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry

from .common import make_order


def _env(cr, dbname):
    return Environment(cr, SUPERUSER_ID, {"amazon_sync_commit": False}, registry=Registry.get(dbname))


def _setup(env):
    marketplace = env.ref("sale_amazon.marketplace_us")
    account = env["amazon.account"].create({"name": "Workers US", "base_marketplace_id": marketplace.id})
    for ref in ("W-1", "W-2", "W-3"):
        order, _created = account._import_normalized_order(make_order(ref))
        order.picking_ids.write({"carrier_id": env.ref("stock.carrier_dhl").id, "carrier_tracking_ref": ref})
        order.picking_ids.button_validate()
    return account.id


def test_pending_work_is_taken_by_one_worker(new_db):
    db = new_db(modules=("sale_amazon",), label="amzworkers")
    first, second = sql_db.cursor(db), sql_db.cursor(db)
    try:
        account_id = _setup(_env(first, db))
        first.commit()
        one = _env(first, db)["amazon.account"].browse(account_id)._amazon_outbound_locked("shipments", "pending")
        assert len(one) == 3
        # the second worker, while the first holds them, finds nothing to send
        other = _env(second, db)["amazon.account"].browse(account_id)
        assert not other._amazon_outbound_locked("shipments", "pending")
        second.rollback()
        first.rollback()
        # released: the next worker takes them
        assert len(other._amazon_outbound_locked("shipments", "pending")) == 3
    finally:
        first.close()
        second.close()
