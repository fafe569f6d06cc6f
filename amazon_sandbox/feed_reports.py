"""Processing reports as Amazon writes them (spapi/FEEDS.md).

XML feeds: an ``AmazonEnvelope`` with one ``ProcessingReport`` message holding
the ``ProcessingSummary`` and one ``Result`` per message with an error or a
warning. ``JSON_LISTINGS_FEED``: listings-feed-processing-report-schema-v2
(``header``, ``issues``, ``summary``).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from lxml import etree


@dataclass
class Issue:
    """One result: ``message_id`` None means the document as a whole."""

    message_id: int | None
    severity: str  # ERROR | WARNING
    code: str
    message: str
    sku: str | None = None


def _sub(parent, tag: str, text=None):
    node = etree.SubElement(parent, tag)
    if text is not None:
        node.text = str(text)
    return node


def xml_report(seller_id: str, transaction_id: str, processed: int, issues: list[Issue]) -> bytes:
    """The ProcessingReport of an XML feed; counts follow the issues per message."""
    errors = {i.message_id for i in issues if i.severity == "ERROR"}
    warnings = {i.message_id for i in issues if i.severity == "WARNING"} - errors
    root = etree.Element("AmazonEnvelope", nsmap={"xsi": "http://www.w3.org/2001/XMLSchema-instance"})
    root.set("{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation", "amzn-envelope.xsd")
    header = _sub(root, "Header")
    _sub(header, "DocumentVersion", "1.02")
    _sub(header, "MerchantIdentifier", seller_id)
    _sub(root, "MessageType", "ProcessingReport")
    message = _sub(root, "Message")
    _sub(message, "MessageID", 1)
    report = _sub(message, "ProcessingReport")
    _sub(report, "DocumentTransactionID", transaction_id)
    _sub(report, "StatusCode", "Complete")
    summary = _sub(report, "ProcessingSummary")
    per_message_errors = len(errors - {None})
    _sub(summary, "MessagesProcessed", processed)
    _sub(summary, "MessagesSuccessful", processed - per_message_errors)
    _sub(summary, "MessagesWithError", per_message_errors)
    _sub(summary, "MessagesWithWarning", len(warnings - {None}))
    for issue in issues:
        result = _sub(report, "Result")
        _sub(result, "MessageID", issue.message_id if issue.message_id is not None else 0)
        _sub(result, "ResultCode", "Error" if issue.severity == "ERROR" else "Warning")
        _sub(result, "ResultMessageCode", issue.code)
        _sub(result, "ResultDescription", issue.message)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def listings_report(seller_id: str, feed_id: str, processed: int, issues: list[Issue]) -> bytes:
    """listings-feed-processing-report-schema-v2."""
    invalid = {i.message_id for i in issues if i.severity == "ERROR" and i.message_id is not None}
    body = {
        "header": {"sellerId": seller_id, "version": "2.0", "feedId": feed_id},
        "issues": [
            {k: v for k, v in (("messageId", i.message_id), ("sku", i.sku), ("code", i.code),
                               ("severity", i.severity), ("message", i.message)) if v is not None}
            for i in issues
        ],
        "summary": {
            "errors": sum(1 for i in issues if i.severity == "ERROR"),
            "warnings": sum(1 for i in issues if i.severity == "WARNING"),
            "messagesProcessed": processed,
            "messagesAccepted": processed - len(invalid),
            "messagesInvalid": len(invalid),
        },
    }
    return json.dumps(body, indent=2).encode()
