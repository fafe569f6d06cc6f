"""sale_amazon: the Amazon Connector (accounts, marketplaces, SKU links, order import, deliveries).

Built for Amazon MWS, which Amazon has retired. Orders are fetched through a
replaceable *order source* (``amazon.account._get_order_source()``), and the
outbound work (shipment confirmations of validated FBM deliveries, orders
cancelled in the ERP, FBM stock quantities) is queued on the records and sent
through replaceable *sinks* (``amazon.account._get_outbound_sink(kind)``, see
``models/amazon_outbound.py``), so the Amazon/Selling Partner API Patch
(``sale_amazon_spapi``) can plug SP-API in.
"""
from . import models, wizard  # noqa: F401
