"""Where Amazon is, per database: system parameters over Amazon's production defaults.

=============================================  =======================================
system parameter                                default
=============================================  =======================================
``sale_amazon_spapi.lwa_token_url``             https://api.amazon.com/auth/o2/token
``sale_amazon_spapi.consent_base_url``          (empty: each marketplace's Seller Central)
``sale_amazon_spapi.endpoint_na``               https://sellingpartnerapi-na.amazon.com
``sale_amazon_spapi.endpoint_eu``               https://sellingpartnerapi-eu.amazon.com
``sale_amazon_spapi.endpoint_fe``               https://sellingpartnerapi-fe.amazon.com
=============================================  =======================================

Amazon's clock (``sale_amazon_spapi.time_scale``, for a time-scaled sandbox) is :mod:`.clock`'s.
"""
from ..spapi import Endpoints, LWAClient, RateLimiter, SPAPIClient
from ..spapi.operations import DEFAULT_RATE_PLANS
from .clock import TIME_SCALE_KEY, clock

PREFIX = "sale_amazon_spapi."
KEYS = ("lwa_token_url", "consent_base_url", "endpoint_na", "endpoint_eu", "endpoint_fe")


def _params(env) -> dict:
    """This module's system parameters (``KEYS`` and the clock's), read in one query.

    The values ``sudo().get_param`` gives key by key (one query each, several
    times per consent callback); a missing key is absent from the dict.
    """
    wanted = [PREFIX + key for key in KEYS] + [TIME_SCALE_KEY]
    env.cr.execute("SELECT key, value FROM ir_config_parameter WHERE key = ANY(%s)", (wanted,))
    return dict(env.cr.fetchall())


def endpoints(env, params: dict | None = None) -> Endpoints:
    """The Endpoints of this database (production values where no parameter is set)."""
    params = _params(env) if params is None else params
    hosts = {region: params.get(PREFIX + f"endpoint_{region}") for region in ("na", "eu", "fe")}
    return Endpoints().with_overrides(
        lwa_token_url=params.get(PREFIX + "lwa_token_url") or None,
        hosts={r: url for r, url in hosts.items() if url},
        consent_base=params.get(PREFIX + "consent_base_url") or None,
    )


def is_production(env) -> bool:
    """Whether any configured endpoint is one of Amazon's production hosts."""
    from ..spapi import LWA_TOKEN_URL, SPAPI_HOSTS

    current = endpoints(env)
    return current.lwa_token_url == LWA_TOKEN_URL or any(
        current.hosts[region] == url for region, url in SPAPI_HOSTS.items())


def lwa_client(env, credentials) -> LWAClient:
    return LWAClient(credentials, token_url=endpoints(env).lwa_token_url)


def spapi_client(env, region: str, token_provider, selling_partner_id: str, rate_store=None) -> SPAPIClient:
    """A client for one seller in one region, paced by the shared buckets for slow operations."""
    stores = {}
    if rate_store is not None:
        stores = {name: rate_store for name, plan in DEFAULT_RATE_PLANS.items() if plan.rate < 0.1}
    params = _params(env)
    limiter = RateLimiter(DEFAULT_RATE_PLANS, stores=stores, **clock(env, params).limiter_options())
    return SPAPIClient(endpoints(env, params).host(region), token_provider, limiter,
                       selling_partner_id=selling_partner_id)
