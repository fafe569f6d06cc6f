"""Feeds API 2021-06-30 and the feed document transfers (spapi/FEEDS.md).

Lifecycle: :meth:`FeedsAPI.create_feed_document` -> :meth:`FeedsAPI.upload_feed_document`
(PUT to the pre-signed URL, not an SP-API call: no access token) ->
:meth:`FeedsAPI.create_feed` -> :meth:`FeedsAPI.get_feed` until DONE / FATAL /
CANCELLED -> :meth:`FeedsAPI.get_feed_document` -> :meth:`FeedsAPI.download_feed_document`
(gunzipped when ``compressionAlgorithm`` is GZIP). SP-API calls are paced by
the client's buckets; createFeed refills one token every two minutes, so batch.
"""
from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from .client import SPAPIClient
from .errors import InvalidParameters, PermanentError, ServerError, TransportError
from .feed_documents import FeedDocument
from .operations import (
    CANCEL_FEED,
    CREATE_FEED,
    CREATE_FEED_DOCUMENT,
    GET_FEED,
    GET_FEED_DOCUMENT,
    GET_FEEDS,
)
from .timeutil import format_time, parse_time
from .transport import Request, RequestsTransport, Response, Transport

PROCESSING_STATUSES = frozenset({"IN_QUEUE", "IN_PROGRESS", "DONE", "FATAL", "CANCELLED"})
TERMINAL_STATUSES = frozenset({"DONE", "FATAL", "CANCELLED"})
#: A decompressed report larger than this is refused (a gzip bomb is not a report).
MAX_DOCUMENT_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class FeedDocumentUpload:
    """``createFeedDocument``'s answer: where to PUT the content (valid 5 minutes)."""

    feed_document_id: str
    url: str = field(repr=False)


@dataclass(frozen=True)
class FeedDocumentInfo:
    """``getFeedDocument``'s answer."""

    feed_document_id: str
    url: str = field(repr=False)
    compression_algorithm: str | None = None


@dataclass(frozen=True)
class Feed:
    """A feed as ``getFeed``/``getFeeds`` describe it."""

    feed_id: str
    feed_type: str
    processing_status: str
    created_time: datetime | None
    marketplace_ids: tuple[str, ...] = ()
    processing_start_time: datetime | None = None
    processing_end_time: datetime | None = None
    result_feed_document_id: str | None = None

    @property
    def finished(self) -> bool:
        return self.processing_status in TERMINAL_STATUSES


@dataclass(frozen=True)
class FeedsPage:
    feeds: list[Feed]
    next_token: str | None = field(default=None, repr=False)


def parse_feed(body: Any, operation: str = GET_FEED.name) -> Feed:
    """A ``Feed`` object of the model (pure)."""
    if not isinstance(body, dict) or not body.get("feedId") or not body.get("processingStatus"):
        raise ServerError(f"{operation} answered without feedId/processingStatus",
                          operation=operation)
    status = body["processingStatus"]
    if status not in PROCESSING_STATUSES:
        raise ServerError(f"{operation}: unknown processingStatus {status!r}", operation=operation)
    return Feed(
        feed_id=str(body["feedId"]),
        feed_type=str(body.get("feedType", "")),
        processing_status=status,
        created_time=parse_time(body.get("createdTime")),
        marketplace_ids=tuple(body.get("marketplaceIds") or ()),
        processing_start_time=parse_time(body.get("processingStartTime")),
        processing_end_time=parse_time(body.get("processingEndTime")),
        result_feed_document_id=body.get("resultFeedDocumentId") or None,
    )


def decompress(content: bytes, compression_algorithm: str | None) -> bytes:
    """The document's bytes as written, whatever Amazon compressed (pure)."""
    if not compression_algorithm:
        return content
    if compression_algorithm.upper() != "GZIP":
        raise PermanentError(f"unsupported compressionAlgorithm {compression_algorithm!r}",
                             operation=GET_FEED_DOCUMENT.name)
    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = inflater.decompress(content, MAX_DOCUMENT_BYTES)
    except zlib.error as exc:
        raise ServerError(f"feed document is not valid gzip: {exc}",
                          operation=GET_FEED_DOCUMENT.name) from None
    if inflater.unconsumed_tail:
        raise PermanentError(f"feed document inflates beyond {MAX_DOCUMENT_BYTES} bytes",
                             operation=GET_FEED_DOCUMENT.name)
    return data


def _s3_error(operation: str, response: Response) -> Exception:
    # The storage answers in S3's XML; keep its Code/Message, never the URL (it is a credential).
    text = response.body[:2000].decode("utf-8", "replace")
    code = _between(text, "<Code>", "</Code>") or f"HTTP {response.status}"
    message = _between(text, "<Message>", "</Message>") or "document storage refused the request"
    cls = ServerError if response.status >= 500 else PermanentError
    return cls(f"{code}: {message}", status=response.status, code=code, operation=operation)


def _between(text: str, start: str, end: str) -> str:
    _head, sep, rest = text.partition(start)
    return rest.partition(end)[0].strip() if sep else ""


class FeedsAPI:
    """Feeds API for one client, plus the pre-signed document transfers.

    ``documents`` is the transport for pre-signed URLs (default: a plain
    :class:`RequestsTransport`); ``sleep`` and ``clock`` pace :meth:`wait_for_feed`.
    """

    def __init__(self, client: SPAPIClient, *, documents: Transport | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 transfer_attempts: int = 3) -> None:
        self.client = client
        self._documents = documents or RequestsTransport()
        self._sleep = sleep
        self._attempts = max(1, transfer_attempts)

    # -- documents ----------------------------------------------------------------------
    def create_feed_document(self, content_type: str) -> FeedDocumentUpload:
        if not content_type:
            raise InvalidParameters("createFeedDocument needs a contentType",
                                    operation=CREATE_FEED_DOCUMENT.name)
        body = self.client.call_json(CREATE_FEED_DOCUMENT, json={"contentType": content_type})
        if not isinstance(body, dict) or not body.get("feedDocumentId") or not body.get("url"):
            raise ServerError("createFeedDocument answered without feedDocumentId/url",
                              operation=CREATE_FEED_DOCUMENT.name)
        return FeedDocumentUpload(str(body["feedDocumentId"]), str(body["url"]))

    def upload_feed_document(self, url: str, content: bytes, content_type: str) -> None:
        """PUT ``content`` with exactly the content type given to createFeedDocument."""
        request = Request("PUT", url, operation="uploadFeedDocument",
                          headers={"Content-Type": content_type}, body=content)
        self._transfer(request)

    def get_feed_document(self, feed_document_id: str) -> FeedDocumentInfo:
        body = self.client.call_json(GET_FEED_DOCUMENT,
                                     path_params={"feedDocumentId": feed_document_id})
        if not isinstance(body, dict) or not body.get("url"):
            raise ServerError("getFeedDocument answered without url",
                              operation=GET_FEED_DOCUMENT.name)
        return FeedDocumentInfo(str(body.get("feedDocumentId") or feed_document_id),
                                str(body["url"]), body.get("compressionAlgorithm") or None)

    def download_feed_document(self, document: FeedDocumentInfo) -> bytes:
        """The document's content, decompressed when Amazon says so."""
        response = self._transfer(Request("GET", document.url, operation="downloadFeedDocument"))
        return decompress(response.body, document.compression_algorithm)

    def read_result_document(self, feed: Feed) -> bytes:
        """getFeedDocument + download of a finished feed's processing report."""
        if not feed.result_feed_document_id:
            raise PermanentError(f"feed {feed.feed_id} ({feed.processing_status}) has no "
                                 "result document", operation=GET_FEED_DOCUMENT.name)
        return self.download_feed_document(self.get_feed_document(feed.result_feed_document_id))

    def _transfer(self, request: Request) -> Response:
        path = urlsplit(request.url).path
        for attempt in range(1, self._attempts + 1):
            try:
                response = self._documents(request)
            except TransportError:
                if attempt == self._attempts:
                    raise
            else:
                if response.ok:
                    return response
                error = _s3_error(request.operation, response)
                if response.status < 500 or attempt == self._attempts:
                    raise error
            self._sleep(2.0 ** (attempt - 1))
        raise TransportError(f"no answer from {path}", operation=request.operation)

    # -- feeds --------------------------------------------------------------------------
    def create_feed(self, feed_type: str, marketplace_ids: Sequence[str],
                    input_feed_document_id: str,
                    feed_options: dict[str, str] | None = None) -> str:
        if not feed_type or not input_feed_document_id:
            raise InvalidParameters("createFeed needs feedType and inputFeedDocumentId",
                                    operation=CREATE_FEED.name)
        if not 1 <= len(marketplace_ids) <= 25:
            raise InvalidParameters("createFeed needs 1 to 25 marketplaceIds",
                                    operation=CREATE_FEED.name)
        spec: dict[str, Any] = {"feedType": feed_type, "marketplaceIds": list(marketplace_ids),
                                "inputFeedDocumentId": input_feed_document_id}
        if feed_options:
            spec["feedOptions"] = dict(feed_options)
        body = self.client.call_json(CREATE_FEED, json=spec)
        if not isinstance(body, dict) or not body.get("feedId"):
            raise ServerError("createFeed answered without feedId", operation=CREATE_FEED.name)
        return str(body["feedId"])

    def submit(self, document: FeedDocument, marketplace_ids: Sequence[str]) -> tuple[str, str]:
        """Document, upload and createFeed in one go: ``(feed_document_id, feed_id)``."""
        upload = self.create_feed_document(document.content_type)
        self.upload_feed_document(upload.url, document.content, document.content_type)
        feed_id = self.create_feed(document.feed_type, marketplace_ids, upload.feed_document_id)
        return upload.feed_document_id, feed_id

    def get_feed(self, feed_id: str) -> Feed:
        return parse_feed(self.client.call_json(GET_FEED, path_params={"feedId": feed_id}))

    def get_feeds(self, *, feed_types: Sequence[str] = (), processing_statuses: Sequence[str] = (),
                  marketplace_ids: Sequence[str] = (), page_size: int | None = None,
                  created_since: datetime | None = None, created_until: datetime | None = None,
                  next_token: str | None = None) -> FeedsPage:
        """One page of feeds; with ``next_token`` nothing else may be given (Amazon's rule)."""
        if next_token:
            filters = (feed_types, processing_statuses, marketplace_ids, page_size,
                       created_since, created_until)
            if any(filters):
                raise InvalidParameters("getFeeds takes nextToken alone", operation=GET_FEEDS.name)
            params = [("nextToken", next_token)]
        else:
            if not 1 <= len(feed_types) <= 10:
                raise InvalidParameters("getFeeds needs 1 to 10 feedTypes (or a nextToken)",
                                        operation=GET_FEEDS.name)
            unknown = set(processing_statuses) - PROCESSING_STATUSES
            if unknown:
                raise InvalidParameters(f"unknown processingStatuses {sorted(unknown)}",
                                        operation=GET_FEEDS.name)
            if page_size is not None and not 1 <= page_size <= 100:
                raise InvalidParameters("pageSize must be 1..100", operation=GET_FEEDS.name)
            params = [("feedTypes", ",".join(feed_types))]
            if processing_statuses:
                params.append(("processingStatuses", ",".join(processing_statuses)))
            if marketplace_ids:
                params.append(("marketplaceIds", ",".join(marketplace_ids)))
            if page_size is not None:
                params.append(("pageSize", str(page_size)))
            if created_since is not None:
                params.append(("createdSince", format_time(created_since)))
            if created_until is not None:
                params.append(("createdUntil", format_time(created_until)))
        body = self.client.call_json(GET_FEEDS, params=params)
        if not isinstance(body, dict) or not isinstance(body.get("feeds"), list):
            raise ServerError("getFeeds answered without a feeds list", operation=GET_FEEDS.name)
        return FeedsPage([parse_feed(f, GET_FEEDS.name) for f in body["feeds"]],
                         body.get("nextToken") or None)

    def cancel_feed(self, feed_id: str) -> None:
        """Cancel a feed still IN_QUEUE (Amazon refuses once processing started)."""
        self.client.call(CANCEL_FEED, path_params={"feedId": feed_id})

    def wait_for_feed(self, feed_id: str, *, poll_interval: float = 30.0,
                      max_polls: int = 1000) -> Feed:
        """Poll ``getFeed`` until DONE, FATAL or CANCELLED (sleeping ``poll_interval``)."""
        if max_polls < 1:
            raise InvalidParameters("max_polls must be at least 1", operation=GET_FEED.name)
        for _ in range(max_polls):
            feed = self.get_feed(feed_id)
            if feed.finished:
                return feed
            self._sleep(poll_interval)
        raise ServerError(f"feed {feed_id} still {feed.processing_status} after {max_polls} polls",
                          operation=GET_FEED.name)


__all__ = ["Feed", "FeedDocumentInfo", "FeedDocumentUpload", "FeedsAPI", "FeedsPage",
           "decompress", "parse_feed"]
