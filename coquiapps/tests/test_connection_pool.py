"""The connection pool: a forked child forgets the parent's idle connections without closing them."""
from coquiapps import sql_db


def test_forget_all_leaves_inherited_connections_open_and_unused(base_db):
    pool = sql_db.ConnectionPool(maxidle=1)
    inherited, second = pool.borrow(base_db), None
    pool.give_back(base_db, inherited)
    try:
        pool.forget_all()
        # the child's own connection fills the pool; nothing of the parent's is evicted or closed
        own = pool.borrow(base_db)
        assert own is not inherited
        pool.give_back(base_db, own)
        second = sql_db.connect(base_db)
        pool.give_back(base_db, second)  # evicts (closes) the oldest idle one: the child's own
        assert own.closed and not inherited.closed
        assert pool.borrow(base_db) is second
    finally:
        pool.close_all()
        for cnx in (inherited, second):
            if cnx is not None:
                cnx.close()
