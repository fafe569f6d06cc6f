"""Cross-site request forgery on JSON routes: the body type and where the request comes from.

A JSON route takes only ``Content-Type: application/json``: a page of
another site cannot send that type without a CORS preflight, which this
server never grants, so the plain-text form post and the "simple" fetch()
of a forged call are refused before they are read.

On top of that, a request a browser sends says where it comes from
(``Sec-Fetch-Site``, ``Origin``, ``Referer``). Every one of those present
must name this server's own origin: another port of the same host is
*same-site* (the session cookie, SameSite=Lax, goes along) but not
same-origin. A request carrying none of them does not come from a browser
(odoorpc, scripts): there is no victim's cookie to abuse, so it passes. A
valid ``X-CSRF-Token`` header (the session's token) passes too.
"""
from __future__ import annotations

from urllib.parse import urlsplit

JSON_TYPES = ("application/json",)


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def own_origins(httprequest, proxy_mode: bool = False) -> set[str]:
    """The origins this server answers as: its Host, and the forwarded one behind a proxy.

    A request received over plain HTTP may come from the ``https://`` page of
    the same host when a proxy in front terminates TLS (and passes the Host).
    """
    origins = {f"{httprequest.scheme}://{httprequest.host}".lower()}
    if httprequest.scheme == "http":
        origins.add(f"https://{httprequest.host}".lower())
    if proxy_mode:
        host = httprequest.headers.get("X-Forwarded-Host", "").split(",")[0].strip()
        proto = httprequest.headers.get("X-Forwarded-Proto", "").split(",")[0].strip()
        if host or proto:
            origins.add(f"{proto or httprequest.scheme}://{host or httprequest.host}".lower())
    return origins


def cross_origin(httprequest, proxy_mode: bool = False) -> str | None:
    """Why this request comes from another origin than this server; None when it does not.

    Browsers send ``Origin`` on every cross-origin POST and ``Sec-Fetch-Site``
    on every request, so a forged request always carries one of them.
    """
    origins = own_origins(httprequest, proxy_mode)
    headers = httprequest.headers
    site = headers.get("Sec-Fetch-Site")
    if site is not None and site != "same-origin":
        return f"the browser says it comes from a {site} page"
    origin = headers.get("Origin")
    if origin is not None and _origin_of(origin) not in origins:
        return f"it comes from {origin!r}, not from this server"
    referer = headers.get("Referer")
    if origin is None and referer and _origin_of(referer) not in origins:
        return "it comes from a page of another site"
    return None
