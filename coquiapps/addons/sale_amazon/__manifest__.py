{  # noqa: B018 - a manifest is a bare dict literal
    "name": "Amazon Connector",
    "version": "1.1",
    "summary": "Import Amazon orders, link Amazon SKUs to products, send deliveries back (MWS era)",
    "description": "Amazon accounts, marketplaces, SKU links (offers), order import, and the outbound "
                   "work: shipment confirmations, cancellations and FBM stock, queued on the records. "
                   "Amazon retired MWS: orders are fetched and the outbound work is sent by the "
                   "Amazon/Selling Partner API Patch (sale_amazon_spapi).",
    "category": "Sales/Sales",
    "depends": ["sale", "stock"],
    "data": [
        "security/amazon_security.xml",
        "security/ir.model.access.csv",
        "security/amazon_rules.xml",
        "data/amazon_marketplace_data.xml",
        "data/product_data.xml",
        "data/ir_cron.xml",
        "data/ir_cron_outbound.xml",
        "data/stock_data.xml",
        "data/product_service.xml",
        "data/carrier_codes.xml",
        "views/amazon_marketplace_views.xml",
        "views/amazon_offer_views.xml",
        "views/amazon_sync_log_views.xml",
        "views/sale_order_views.xml",
        "views/stock_picking_views.xml",
        "views/delivery_carrier_views.xml",
        "wizard/amazon_offer_csv_views.xml",
        "views/amazon_account_views.xml",
        "views/amazon_menus.xml",
    ],
    "demo": [
        "demo/amazon_demo.xml",
    ],
    "application": True,
    "installable": True,
    "license": "LGPL-3",
    "author": "CoquiAPPs",
}
