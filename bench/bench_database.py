"""Creating a database with base, and duplicating a 100,000-partner database.

Targets: create < 3 s; `db duplicate` within 1.5x of a bare CREATE DATABASE ... TEMPLATE.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import best, line, timer  # noqa: E402
from psycopg2 import sql  # noqa: E402

from coquiapps import sql_db  # noqa: E402
from coquiapps.service import db  # noqa: E402

PARTNERS = 100_000


def drop(name: str) -> None:
    if db.exists(name):
        db.drop_database(name)


def main() -> None:
    creates = []
    for attempt in range(3):
        name = f"bench_create_{attempt}"
        drop(name)
        with timer(creates):
            db.create_database(name)
        if attempt:
            drop(name)
    source = "bench_create_0"
    with sql_db.cursor(source) as cr:
        cr.execute("INSERT INTO res_partner (name, email, city, active) "
                   "SELECT 'Partner ' || i, 'p' || i || '@example.com', 'City', true FROM generate_series(1, %s) i",
                   (PARTNERS,))
    sql_db.pool().close_all(source)
    bare, ours = [], []
    for attempt in range(3):
        for target, results, action in (
            (f"bench_bare_{attempt}", bare, "bare"),
            (f"bench_dup_{attempt}", ours, "ours"),
        ):
            drop(target)
            if action == "bare":
                cnx = sql_db.admin_connection()
                with timer(results), cnx.cursor() as cr:
                    cr.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(target), sql.Identifier(source)))
                cnx.close()
            else:
                with timer(results):
                    db.duplicate_database(source, target, neutralize=True)
            drop(target)
    drop(source)
    line("create database with base, best of 3", f"{best(creates):.2f} s", "target < 3 s")
    line(f"bare CREATE DATABASE TEMPLATE ({PARTNERS} partners)", f"{best(bare) * 1000:.0f} ms")
    line("coquiapps db duplicate (neutralized)", f"{best(ours) * 1000:.0f} ms")
    line("ratio duplicate / bare", f"{best(ours) / best(bare):.2f}x", "target <= 1.5x")


if __name__ == "__main__":
    main()
