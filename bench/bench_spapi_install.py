"""Installing the patch on a busy database (20 accounts, 200,000 imported orders) vs an empty one.

Target: the busy install takes at most 3x the empty one.
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import line  # noqa: E402

from coquiapps import sql_db  # noqa: E402
from coquiapps.modules import loading  # noqa: E402
from coquiapps.orm import SUPERUSER_ID, Environment, Registry  # noqa: E402
from coquiapps.service import db  # noqa: E402


def connector_only(name: str) -> None:
    """A database with the connector, without the patch (as before the patch existed)."""
    if db.exists(name):
        db.drop_database(name)
    db.create_database(name, modules=["sale_amazon"])
    with sql_db.cursor(name) as cr:
        loading.uninstall_modules(Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(name)),
                                  ["sale_amazon_spapi"])


def fill(name: str, accounts: int, orders: int) -> None:
    with sql_db.cursor(name) as cr:
        cr.execute("SELECT id FROM res_company LIMIT 1")
        company = cr.fetchone()[0]
        cr.execute("SELECT id FROM amazon_marketplace WHERE api_ref = 'ATVPDKIKX0DER'")
        marketplace = cr.fetchone()[0]
        cr.execute("SELECT id FROM res_currency WHERE name = 'USD'")
        currency = cr.fetchone()[0]
        cr.execute("SELECT id FROM res_partner LIMIT 1")
        partner = cr.fetchone()[0]
        cr.execute("""INSERT INTO amazon_account (name, company_id, base_marketplace_id, active, seller_key,
                      mws_auth_token, last_orders_sync)
                      SELECT 'Account ' || i, %s, %s, true, 'SELLER' || i, 'amzn.mws.' || i, now()
                      FROM generate_series(1, %s) i RETURNING id""", (company, marketplace, accounts))
        account_ids = [row[0] for row in cr.fetchall()]
        cr.execute("""INSERT INTO sale_order (name, partner_id, partner_shipping_id, date_order, state, currency_id,
                      company_id, amazon_account_id, amazon_order_ref, amount_untaxed, amount_total)
                      SELECT 'S' || lpad(i::text, 7, '0'), %s, %s, now() - (i || ' minutes')::interval, 'sale', %s,
                             %s, (%s::int[])[1 + i %% %s], '111-' || lpad(i::text, 7, '0') || '-0000000', 10, 10
                      FROM generate_series(1, %s) i""",
                   (partner, partner, currency, company, account_ids, len(account_ids), orders))


def install_time(name: str) -> float:
    with sql_db.cursor(name) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(name))
        started = time.perf_counter()
        loading.install_modules(env, ["sale_amazon_spapi"])
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--accounts", type=int, default=20)
    options = parser.parse_args()
    empty, busy = "bench_install_empty", "bench_install_busy"
    connector_only(empty)
    connector_only(busy)
    fill(busy, options.accounts, options.orders)
    empty_time = install_time(empty)
    busy_time = install_time(busy)
    for name in (empty, busy):
        db.drop_database(name)
    line("install on the connector's empty database", f"{empty_time:.2f} s")
    line(f"install with {options.accounts} accounts, {options.orders} orders", f"{busy_time:.2f} s")
    line("ratio busy / empty", f"{busy_time / empty_time:.2f}x", "target <= 3x")


if __name__ == "__main__":
    main()
