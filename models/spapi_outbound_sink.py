"""The connector's outbound sinks on SP-API: one feed per kind per account, its results read back.

Crash safety (sale_amazon's ``amazon_outbound`` contract): the feed record and
the records' ``processing`` state are committed *before* Amazon is called; the
feed document id is committed after createFeedDocument and the feed id right
after createFeed. A process killed anywhere leaves a feed record saying how far
it got: one with a feed id is read like any other; one without is recovered by
the next reader (``getFeeds`` finds a feed Amazon accepted but whose answer was
lost, otherwise its records go back to pending). One session advisory lock per
(account, kind), freed by PostgreSQL when a process dies, keeps senders and
readers of the same work apart; at most one feed of a kind per account is in
flight, so a newer quantity never overtakes an older one.
"""
import datetime as dt
import logging

from coquiapps import _, fields

from ..spapi import FeedsAPI, PermanentError, SPAPIError, parse_report
from ..spapi.processing_reports import ReportFormatError
from .amazon_spapi_feed import IN_FLIGHT
from .spapi_feed_entries import BUILDERS, entries

_logger = logging.getLogger(__name__)

FEED_LOCK_NAMESPACE = 0x5346          # "SF": session advisory locks of one account's feeds of one kind
KIND_INDEX = {"shipments": 1, "cancellations": 2, "stock": 3}
RECOVERY_MARGIN = dt.timedelta(minutes=5)
FEED_TYPES = {"shipments": "POST_ORDER_FULFILLMENT_DATA", "cancellations": "POST_ORDER_ACKNOWLEDGEMENT_DATA",
              "stock": "JSON_LISTINGS_FEED"}


def _outcome(state, message="", ref=""):
    from coquiapps.addons.sale_amazon.models.amazon_outbound import Outcome

    return Outcome(state, message, ref)


class FeedLock:
    """``with FeedLock(account, kind) as held:`` -- True when no other session works on them."""

    def __init__(self, account, kind):
        self.cr, self.key = account.env.cr, (FEED_LOCK_NAMESPACE, account.id * 4 + KIND_INDEX[kind])
        self.held = False

    def __enter__(self):
        self.cr.execute("SELECT pg_try_advisory_lock(%s, %s)", self.key)
        self.held = self.cr.fetchone()[0]
        return self.held

    def __exit__(self, *exc):
        if self.held:
            self.cr.execute("SELECT pg_advisory_unlock(%s, %s)", self.key)


class SpapiOutboundSink:
    """Shipment confirmations, cancellations or FBM quantities through Feeds API 2021-06-30."""

    lock = FeedLock

    def __init__(self, kind: str, account):
        self.kind = kind
        self.feed_type = FEED_TYPES[kind]
        self.name = f"Amazon SP-API ({self.feed_type})"
        self.available = account._sp_may_send()

    # -- helpers ------------------------------------------------------------------------------
    @staticmethod
    def _commit(account):
        if account._amazon_sync_commit():
            account.env.cr.commit()

    def _feeds(self, account):
        return account.env["amazon.spapi.feed"].sudo()

    def _api(self, account) -> FeedsAPI:
        return FeedsAPI(account._sp_owner()._sp_client())

    def _marketplaces(self, account) -> list:
        refs = account.active_marketplace_ids.mapped("api_ref") if self.kind == "stock" else []
        return (refs or [account._sp_owner().base_marketplace_id.api_ref])[:25]

    # -- send ------------------------------------------------------------------------------------
    def send(self, account, records):
        """One feed with every record Amazon can read; refused records get their reason at once."""
        owner = account._sp_check_usable()
        with self.lock(account, self.kind) as held:
            if not held or self._in_flight(account):
                return {}  # one feed of a kind per account in flight: the records wait, pending
            return self._send_feed(account, owner, records)

    def _in_flight(self, account) -> bool:
        """Whether a feed of this kind is still at work at Amazon (asked with getFeed, a cheap call:
        a feed Amazon finished no longer holds the next one back; its records settle on the next read)."""
        feeds = self._feeds(account).search([
            ("account_id", "=", account.id), ("kind", "=", self.kind), ("state", "in", IN_FLIGHT)])
        if any(not feed.feed_id for feed in feeds):
            return True     # its sender died before createFeed's answer: the next read recovers it
        if feeds:
            api = self._api(account)
            for feed in feeds:
                self._check(api, feed)
        return any(feed.state in IN_FLIGHT for feed in feeds)

    def _send_feed(self, account, owner, records) -> dict:
        """Build, record (committed) and submit one feed of ``records``; their outcomes."""
        good, refused = entries(self.kind, owner.sp_selling_partner_id, records)
        outcomes = {rid: _outcome("error", _("Not sent to Amazon: %s. Fix it, then press Retry.", why))
                    for rid, why in refused.items()}
        if not good:
            return outcomes
        document = BUILDERS[self.kind](owner.sp_selling_partner_id, good)
        feed = self._feeds(account).create({
            "name": f"{account.id}-{self.kind}-{fields.Datetime.now():%Y%m%d%H%M%S}",
            "account_id": account.id, "kind": self.kind, "feed_type": document.feed_type,
            "marketplace_ids": ",".join(self._marketplaces(account)),
            "message_count": len(document.message_ids), "document": document.content,
            "message_map": {str(mid): rid for mid, rid in document.message_ids.items()}})
        feed.name = f"{feed.feed_type}/{feed.id}"
        outcomes.update({entry.key: _outcome("processing", ref=feed.name) for entry in good})
        account._amazon_apply_outcomes(self.kind, records, outcomes)
        self._commit(account)   # from here on a crash leaves a feed record to recover from
        if self._submit(account, feed, document):
            outcomes.update({entry.key: _outcome("processing", ref=feed.feed_id) for entry in good})
        elif feed.state == "abandoned":
            # nothing reached Amazon: _abandon already put its records back (pending, or error)
            return {rid: outcome for rid, outcome in outcomes.items() if outcome.state == "error"
                    and rid in refused}
        return outcomes

    def _submit(self, account, feed, document) -> bool:
        """createFeedDocument, upload, createFeed, each step committed; False when nothing reached Amazon."""
        api = self._api(account)
        try:
            upload = api.create_feed_document(document.content_type)
            feed.write({"input_document_id": upload.feed_document_id, "state": "documented"})
            self._commit(account)
            api.upload_feed_document(upload.url, document.content, document.content_type)
            feed_id = api.create_feed(document.feed_type, feed.marketplace_ids.split(","),
                                      upload.feed_document_id)
        except SPAPIError as exc:
            if exc.operation == "createFeed" and not isinstance(exc, PermanentError):
                # the answer may be lost while Amazon took it: the next reader asks getFeeds
                _logger.warning("Amazon account %s: createFeed of %s unanswered (%s); the next read "
                                "checks Amazon's feeds", account.name, feed.name, exc)
                return False
            _logger.warning("Amazon account %s: feed %s not submitted: %s", account.name, feed.name, exc)
            self._abandon(account, feed, exc if isinstance(exc, PermanentError) else None)
            return False
        feed.write({"feed_id": feed_id, "state": "IN_QUEUE", "date_submitted": fields.Datetime.now()})
        self._commit(account)   # the crash-safe point: the feed id is ours now
        _logger.info("Amazon account %s: feed %s sent as %s (%d messages)", account.name, feed.name,
                     feed_id, feed.message_count)
        return True

    def _abandon(self, account, feed, error=None):
        """Nothing reached Amazon: the records go back to pending (or error, when Amazon refused)."""
        from coquiapps.addons.sale_amazon.models.amazon_outbound import OUTBOUND_KINDS

        spec = OUTBOUND_KINDS[self.kind]
        records = feed._records().filtered(lambda r: r[spec.state] == "processing")
        if error is None:
            records.sudo().write({spec.state: "pending", spec.message: False})
        else:
            records.sudo().write({spec.state: "error", spec.message: _(
                "Amazon refused the feed: %s. Press Retry to send it again.", error)})
        feed.write({"state": "abandoned", "date_done": fields.Datetime.now(),
                    "summary": str(error) if error else _("Never submitted: its records were sent again.")})
        self._commit(account)

    # -- read results ------------------------------------------------------------------------------
    def read_results(self, account, records):
        """Outcomes of the records whose feed finished; the others stay processing."""
        from coquiapps.addons.sale_amazon.models.amazon_outbound import OUTBOUND_KINDS

        ref_field = OUTBOUND_KINDS[self.kind].ref
        refs = set(records.mapped(ref_field)) - {False}
        with self.lock(account, self.kind) as held:
            if not held:
                return {}
            feeds = self._feeds(account).search([("account_id", "=", account.id), ("kind", "=", self.kind),
                                                 "|", ("name", "in", list(refs)), ("feed_id", "in", list(refs))])
            outcomes, known = {}, set()
            api = self._api(account) if any(f.state in IN_FLIGHT for f in feeds) else None
            for feed in feeds:
                known.update({feed.name, feed.feed_id})
                if feed.state in ("new", "documented") and not self._recover(account, api, feed):
                    continue
                if feed.state in IN_FLIGHT:
                    self._check(api, feed)
                outcomes.update(self._feed_outcomes(feed))
            for record in records:
                if record[ref_field] not in known:
                    outcomes[record.id] = _outcome("error", _(
                        "No feed %s is known for this record: press Retry to send it again.", record[ref_field]))
            ours = set(records.ids)
            return {rid: outcome for rid, outcome in outcomes.items() if rid in ours}

    def _recover(self, account, api, feed) -> bool:
        """A feed whose sender died before createFeed's answer was committed (we hold its lock)."""
        if feed.state == "documented":
            since = feed.create_date - RECOVERY_MARGIN
            page = api.get_feeds(feed_types=[feed.feed_type], created_since=since.replace(tzinfo=dt.UTC),
                                 page_size=100)
            taken = set(self._feeds(account).search([("feed_id", "!=", False),
                                                     ("feed_type", "=", feed.feed_type)]).mapped("feed_id"))
            found = sorted((f for f in page.feeds if f.feed_id not in taken),
                           key=lambda f: f.created_time or dt.datetime.max.replace(tzinfo=dt.UTC))
            if found:
                feed.write({"feed_id": found[0].feed_id, "state": "IN_QUEUE", "date_submitted": feed.create_date})
                _logger.warning("Amazon account %s: feed %s found at Amazon as %s after its sender stopped",
                                account.name, feed.name, found[0].feed_id)
                return True
        _logger.warning("Amazon account %s: feed %s was never submitted; its records are sent again",
                        account.name, feed.name)
        self._abandon(account, feed)
        return False

    def _check(self, api, feed) -> None:
        """getFeed; when finished, fetch and keep Amazon's processing report."""
        status = api.get_feed(feed.feed_id)
        values = {"state": status.processing_status, "date_checked": fields.Datetime.now()}
        if status.finished:
            values["date_done"] = fields.Datetime.now()
            if status.result_feed_document_id:
                values["result_document_id"] = status.result_feed_document_id
                values["report"] = api.read_result_document(status)
        feed.write(values)

    def _feed_outcomes(self, feed) -> dict:
        """``{record id: Outcome}`` of a finished feed, from its stored report."""
        if feed.state not in ("DONE", "FATAL", "CANCELLED"):
            return {}
        mapping = {int(mid): int(rid) for mid, rid in (feed.message_map or {}).items()}
        report, problem = None, _("Amazon gave no report")
        if feed.report:
            try:
                report = parse_report(feed.report)
            except ReportFormatError as exc:
                problem = str(exc)
        if feed.state == "DONE" and report is not None:
            outcomes = {}
            for mid, rid in mapping.items():
                text = report.summary_text(mid)
                if not report.accepted(mid):
                    text = "; ".join(filter(None, [text] + [f"{i.code}: {i.message}" for i in report.document_issues]))
                    outcomes[rid] = _outcome("error", _("Feed %(feed)s: %(text)s. Fix it, then press Retry.",
                                                        feed=feed.feed_id, text=text.rstrip(". ")))
                else:
                    outcomes[rid] = _outcome("done", text and _("Amazon's warning: %s", text))
            feed.write({"error_count": sum(o.state == "error" for o in outcomes.values()),
                        "summary": _("%(ok)s of %(all)s messages accepted.",
                                     ok=sum(o.state == "done" for o in outcomes.values()), all=len(outcomes))})
            return outcomes
        issues = "; ".join(f"{i.code}: {i.message}" for i in report.document_issues) if report else problem
        if feed.state == "CANCELLED":
            why = _("Feed %s was cancelled before Amazon processed it.", feed.feed_id)
        elif feed.state == "FATAL":
            why = _("Amazon could not process feed %s (FATAL)", feed.feed_id) + (f": {issues}." if issues else ".")
        else:
            why = _("Amazon's processing report of feed %(feed)s could not be read: %(why)s.",
                    feed=feed.feed_id, why=problem)
        feed.write({"error_count": len(mapping), "summary": why})
        return {rid: _outcome("error", why + " " + _("Press Retry to send it again.")) for rid in mapping.values()}
