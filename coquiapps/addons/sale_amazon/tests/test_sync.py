"""Order sync: page by page through a replaceable source; MWS retired; the cron isolates failures."""
import datetime as dt

import pytest

from coquiapps.exceptions import UserError

from ..models.mws_source import MwsOrderSource
from . import common
from .common import FakeSource, make_order

# fixtures shared through common (no conftest.py in addons)
account, marketplace_us, mug, no_commit = common.account, common.marketplace_us, common.mug, common.no_commit

UTC = dt.UTC


@pytest.fixture
def notified(env, monkeypatch):
    """Calls of _notify_sync_failure, as (account name, message)."""
    calls = []
    Account = type(env["amazon.account"])
    monkeypatch.setattr(Account, "_notify_sync_failure", lambda self, message: calls.append((self.name, message)))
    return calls


def _use_sources(env, monkeypatch, sources):
    """Patch _get_order_source: account id -> source; every account counts as syncable.

    (Modules installed on top, such as the SP-API patch, narrow ``_amazon_syncable``
    to their connected accounts; these tests are about the connector's own loop.)
    """
    Account = type(env["amazon.account"])
    monkeypatch.setattr(Account, "_get_order_source", lambda self: sources[self.id])
    monkeypatch.setattr(Account, "_amazon_syncable", lambda self: self)


def _page(*refs, day=2):
    return [make_order(ref, last_update=dt.datetime(2022, 5, day, 8, i, tzinfo=UTC)) for i, ref in enumerate(refs)]


def test_sync_imports_pages_and_advances(env, account, monkeypatch, no_commit):
    source = FakeSource([_page("A-1", "A-2", day=2), _page("A-3", "A-1", day=3)])
    _use_sources(env, monkeypatch, {account.id: source})
    log = account._sync_orders()
    assert source.calls == [(account.id, dt.datetime(2022, 1, 1, tzinfo=UTC))]
    assert log.state == "done" and log.source == "Fake source" and log.date_end
    assert (log.orders_created, log.orders_updated) == (3, 1)
    assert account.last_orders_sync == dt.datetime(2022, 5, 3, 8, 1)
    assert account.order_count == 3 and account.last_sync_state == "done"


def test_sync_until_and_pending(env, account, monkeypatch, no_commit):
    until = dt.datetime(2022, 6, 1, tzinfo=UTC)
    source = FakeSource([[make_order("P-1", status="pending")]], sync_until=until)
    _use_sources(env, monkeypatch, {account.id: source})
    log = account._sync_orders()
    assert log.orders_skipped == 1 and not account.order_ids
    assert account.last_orders_sync == dt.datetime(2022, 6, 1)


def test_failure_keeps_earlier_pages(env, account, monkeypatch, no_commit, notified):
    source = FakeSource([_page("B-1"), _page("B-2", day=4)], fail_at=1, error=RuntimeError("throttled"))
    _use_sources(env, monkeypatch, {account.id: source})
    log = account._sync_orders()
    assert log.state == "failed" and "throttled" in log.error and log.orders_created == 1
    assert account.last_orders_sync == dt.datetime(2022, 5, 2, 8, 0)
    assert account.order_ids.mapped("amazon_order_ref") == ["B-1"]
    assert notified == [(account.name, "RuntimeError: throttled")]
    account._sync_orders()  # the same failure again: recorded, not notified twice
    assert len(notified) == 1 and account.last_sync_state == "failed"


def test_failing_page_is_rolled_back(env, account, monkeypatch, no_commit, notified):
    broken = make_order("C-2", status="teleported")
    source = FakeSource([_page("C-0"), [make_order("C-1"), broken]])
    _use_sources(env, monkeypatch, {account.id: source})
    log = account._sync_orders()
    assert log.state == "failed" and "unknown status" in log.error
    assert account.order_ids.mapped("amazon_order_ref") == ["C-0"]  # C-1 went with its page


def test_commits_after_each_page(env, account, monkeypatch):
    commits = []
    monkeypatch.setattr(env.cr, "commit", lambda: commits.append(1))  # counted, not done
    _use_sources(env, monkeypatch, {account.id: FakeSource([_page("D-1"), _page("D-2", day=3)])})
    account.with_context(amazon_sync_commit=True)._sync_orders()
    assert len(commits) == 4  # log created, two pages, end of run


def test_mws_source_is_retired(env, account):
    with pytest.raises(UserError, match="MWS is retired") as info:
        MwsOrderSource().fetch_pages(account, None)
    assert "Amazon/Selling Partner API Patch" in info.value.message
    assert "sale_amazon_spapi" in info.value.message


def test_sync_button_with_mws_fails_clearly(env, account, monkeypatch, no_commit, notified):
    _use_sources(env, monkeypatch, {account.id: MwsOrderSource()})
    with pytest.raises(UserError, match="MWS is retired"):
        account.action_sync_orders()
    log = account.sync_log_ids
    assert log.state == "failed" and log.source == "Amazon MWS" and "sale_amazon_spapi" in log.error
    assert notified and notified[0][0] == account.name


def test_cron_isolates_failing_account(env, account, marketplace_us, monkeypatch, no_commit, notified):
    broken = env["amazon.account"].create({"name": "Broken", "base_marketplace_id": marketplace_us.id})
    archived = env["amazon.account"].create({"name": "Archived", "base_marketplace_id": marketplace_us.id,
                                             "active": False})
    good = FakeSource([_page("E-1")])
    _use_sources(env, monkeypatch, {broken.id: FakeSource([_page("X-1")], fail_at=0),
                                    account.id: good, archived.id: None})
    env["amazon.account"].with_context(amazon_sync_commit=False)._cron_sync_orders()
    assert broken.sync_log_ids.state == "failed" and not broken.order_ids
    assert account.sync_log_ids.state == "done" and account.order_ids.amazon_order_ref == "E-1"
    assert not archived.sync_log_ids
    assert [name for name, _ in notified] == ["Broken"]


def test_cron_survives_a_crashing_account(env, account, marketplace_us, monkeypatch, no_commit, notified):
    crashing = env["amazon.account"].create({"name": "Crashing", "base_marketplace_id": marketplace_us.id})
    Account = type(env["amazon.account"])
    original = Account._sync_orders_one

    def sync_one(self):
        if self.id == crashing.id:
            self.env["amazon.sync.log"].create({"account_id": self.id, "source": "half-done"})
            raise RuntimeError("crashed outside the page loop")
        return original(self)

    monkeypatch.setattr(Account, "_sync_orders_one", sync_one)
    _use_sources(env, monkeypatch, {account.id: FakeSource([_page("F-1")])})
    env["amazon.account"].with_context(amazon_sync_commit=False)._cron_sync_orders()
    logs = crashing.sync_log_ids
    assert len(logs) == 1 and logs.state == "failed" and "crashed" in logs.error  # half-done rolled back
    assert account.order_ids.amazon_order_ref == "F-1"


def test_cron_record(env):
    cron = env.ref("sale_amazon.ir_cron_sync_amazon_orders")
    assert cron.code == "model._cron_sync_orders()" and cron.model_id.model == "amazon.account"
    assert (cron.interval_number, cron.interval_type, cron.active) == (30, "minutes", True)


def test_failure_notice_to_responsible_user(env, account, marketplace_us, monkeypatch, no_commit):
    responsible = env["res.users"].create({"login": "amazonwatch", "name": "Amazon Watch",
                                           "company_id": env.ref("base.main_company").id})
    account.write({"notify_user_id": responsible.id})
    _use_sources(env, monkeypatch, {account.id: MwsOrderSource()})
    account._sync_orders()
    notice = env["res.notice"].search([("res_model", "=", "amazon.account"), ("res_id", "=", account.id)])
    assert notice.user_id == responsible and notice.level == "warning"
    assert "Test Amazon US" in notice.title and "MWS is retired" in notice.message
    account._sync_orders()  # same error again: no second notice
    assert env["res.notice"].search_count([("res_model", "=", "amazon.account"), ("res_id", "=", account.id)]) == 1
    nobody = env["amazon.account"].create({"name": "Nobody", "base_marketplace_id": marketplace_us.id,
                                           "user_id": False})
    _use_sources(env, monkeypatch, {nobody.id: MwsOrderSource()})
    nobody.with_context(amazon_sync_commit=False)._sync_orders()
    admins = env["res.notice"].search([("res_model", "=", "amazon.account"), ("res_id", "=", nobody.id)])
    assert env.ref("base.user_admin") in admins.mapped("user_id")
