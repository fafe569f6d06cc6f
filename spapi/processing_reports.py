"""Pure parsers of feed processing reports: per-message results (spapi/FEEDS.md).

* XML feeds answer with an ``AmazonEnvelope`` holding a ``ProcessingReport``:
  ``ProcessingSummary`` counts and one ``Result`` per message that had an error
  or a warning (``MessageID``, ``ResultCode`` Error|Warning, ``ResultMessageCode``,
  ``ResultDescription``). A message without a Result succeeded.
* ``JSON_LISTINGS_FEED`` answers with listings-feed-processing-report-schema-v2:
  ``header``, ``issues[{messageId, code, severity, message}]``, ``summary``.

Both become a :class:`ProcessingReport`; issues without a message id (a document
Amazon could not read) land in ``document_issues``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

ERROR, WARNING, INFO = "ERROR", "WARNING", "INFO"


class ReportFormatError(ValueError):
    """The document is not a processing report this module can read."""


@dataclass(frozen=True)
class MessageResult:
    """One issue Amazon reported: for ``message_id`` (``None``: the whole document)."""

    message_id: int | None
    severity: str  # ERROR | WARNING | INFO
    code: str
    message: str


@dataclass(frozen=True)
class ProcessingReport:
    """Counts and issues of one processed feed."""

    messages_processed: int
    messages_successful: int
    messages_with_error: int
    messages_with_warning: int
    issues: tuple[MessageResult, ...] = ()
    status_code: str = ""  # XML reports: "Complete"
    by_message: dict[int, list[MessageResult]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        grouped: dict[int, list[MessageResult]] = {}
        for issue in self.issues:
            if issue.message_id is not None:
                grouped.setdefault(issue.message_id, []).append(issue)
        object.__setattr__(self, "by_message", grouped)

    @property
    def document_issues(self) -> list[MessageResult]:
        return [i for i in self.issues if i.message_id is None]

    def results_for(self, message_id: int) -> list[MessageResult]:
        return list(self.by_message.get(message_id, ()))

    def errors_for(self, message_id: int) -> list[MessageResult]:
        return [i for i in self.by_message.get(message_id, ()) if i.severity == ERROR]

    def accepted(self, message_id: int) -> bool:
        """True when Amazon applied the message (no ERROR for it, none for the document)."""
        return not self.errors_for(message_id) and not any(
            i.severity == ERROR for i in self.document_issues)

    def summary_text(self, message_id: int) -> str:
        """Amazon's words for one message, errors first (what an admin reads)."""
        issues = sorted(self.results_for(message_id), key=lambda i: i.severity != ERROR)
        return "; ".join(f"{i.severity.title()} {i.code}: {i.message}" for i in issues)


def _safe_parser() -> etree.XMLParser:
    # No entity expansion, no network: the report comes from outside.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _int(node, path: str) -> int:
    text = node.findtext(path)
    try:
        return int(text) if text is not None else 0
    except ValueError:
        raise ReportFormatError(f"{path} is not a number: {text!r}") from None


def parse_xml_report(content: bytes) -> ProcessingReport:
    """A ``ProcessingReport`` in an ``AmazonEnvelope`` (the XML feeds' result)."""
    try:
        root = etree.fromstring(content, _safe_parser())
    except etree.XMLSyntaxError as exc:
        raise ReportFormatError(f"processing report is not well-formed XML: {exc}") from None
    report = root if root.tag == "ProcessingReport" else root.find("Message/ProcessingReport")
    if report is None:
        raise ReportFormatError("no Message/ProcessingReport element in the document")
    summary = report.find("ProcessingSummary")
    if summary is None:
        raise ReportFormatError("ProcessingReport has no ProcessingSummary")
    issues = []
    for result in report.findall("Result"):
        raw_id = (result.findtext("MessageID") or "").strip()
        message_id = int(raw_id) if raw_id.isdigit() and int(raw_id) > 0 else None
        code = (result.findtext("ResultCode") or "").strip().upper()
        severity = ERROR if code == "ERROR" else WARNING if code == "WARNING" else INFO
        issues.append(MessageResult(message_id, severity,
                                    (result.findtext("ResultMessageCode") or "").strip(),
                                    (result.findtext("ResultDescription") or "").strip()))
    return ProcessingReport(
        messages_processed=_int(summary, "MessagesProcessed"),
        messages_successful=_int(summary, "MessagesSuccessful"),
        messages_with_error=_int(summary, "MessagesWithError"),
        messages_with_warning=_int(summary, "MessagesWithWarning"),
        issues=tuple(issues),
        status_code=(report.findtext("StatusCode") or "").strip(),
    )


def parse_listings_report(content: bytes | str | dict[str, Any]) -> ProcessingReport:
    """A listings-feed-processing-report-schema-v2 document (``JSON_LISTINGS_FEED``)."""
    if isinstance(content, dict):
        body = content
    else:
        try:
            body = json.loads(content)
        except ValueError as exc:
            raise ReportFormatError(f"listings processing report is not JSON: {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("summary"), dict):
        raise ReportFormatError("listings processing report has no summary object")
    summary = body["summary"]
    issues = []
    for issue in body.get("issues") or []:
        if not isinstance(issue, dict):
            raise ReportFormatError(f"an issue is not an object: {issue!r}")
        message_id = issue.get("messageId")
        severity = str(issue.get("severity") or ERROR).upper()
        issues.append(MessageResult(message_id if isinstance(message_id, int) else None,
                                    severity, str(issue.get("code") or ""),
                                    str(issue.get("message") or "")))
    with_error = len({i.message_id for i in issues if i.severity == ERROR and i.message_id})
    with_warning = len({i.message_id for i in issues if i.severity == WARNING and i.message_id})
    try:
        processed = int(summary.get("messagesProcessed", 0))
        accepted = int(summary.get("messagesAccepted", 0))
    except (TypeError, ValueError):
        raise ReportFormatError("summary counts are not numbers") from None
    return ProcessingReport(processed, accepted, with_error, with_warning, tuple(issues))


def parse_report(content: bytes) -> ProcessingReport:
    """Either kind, told apart by the document's first character."""
    head = content.lstrip()[:1]
    if head == b"{":
        return parse_listings_report(content)
    if head == b"<":
        return parse_xml_report(content)
    raise ReportFormatError("processing report is neither XML nor JSON")
