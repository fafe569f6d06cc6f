"""sale_amazon: the Amazon Connector (accounts, marketplaces, SKU links, order import).

Built for Amazon MWS, which Amazon has retired; orders are fetched through a
replaceable *order source* (``amazon.account._get_order_source()``) so the
Amazon/Selling Partner API Patch (``sale_amazon_spapi``) can plug SP-API in.
"""
from . import models, wizard  # noqa: F401
