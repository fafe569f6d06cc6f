"""Amazon sandbox: a local, faithful stand-in for Login with Amazon, the Seller
Central consent page and the Selling Partner API (Sellers, Orders v0 and
2026-01-01, Application Management, Feeds 2021-06-30 with its document storage,
Listings Items getListingsItem), with usage plans, faults and a clock.

    from amazon_sandbox import Sandbox, serve

    sandbox = Sandbox(seed=1, time_scale=1.0)
    server = serve(sandbox, host="127.0.0.1", port=0)
    server.url          # LWA at {url}/auth/o2/token, consent at {url}/apps/authorize/consent,
                        # SP-API at {url}/na, {url}/eu, {url}/fe, control at {url}/_sandbox/
    sandbox.clock.advance(3600)
    server.stop()

A package of its own: it imports nothing of the ERP or of its SP-API client.
``amazon-sandbox`` (:mod:`amazon_sandbox.cli`) serves it from the command line;
:mod:`amazon_sandbox.testing` is the tests' harness. See README.md beside this
file for the control routes.
"""
from .app import Sandbox
from .clock import Clock
from .faults import Faults
from .feeds import FeedStore
from .marketplaces import MARKETPLACES, Marketplace
from .model import App, Order, OrderItem, Seller
from .server import SandboxServer, serve
from .usage_plans import PLANS, UsagePlans

__all__ = [
    "MARKETPLACES", "PLANS", "App", "Clock", "Faults", "FeedStore", "Marketplace", "Order", "OrderItem",
    "Sandbox", "SandboxServer", "Seller", "UsagePlans", "serve",
]
