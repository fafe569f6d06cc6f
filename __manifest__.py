{  # noqa: B018 - a manifest is a bare dict literal
    "name": "Amazon/Selling Partner API Patch",
    "version": "17.0.1.1.0",
    "summary": "Move the Amazon Connector from the retired MWS to the Selling Partner API",
    "description": "SP-API credentials on Amazon accounts, Amazon's OAuth consent (or a private seller app), "
                   "access tokens kept fresh by a scheduled action, orders through Orders API v2026-01-01, "
                   "credential health notices, a migration off MWS that never imports an order twice, and "
                   "shipment confirmations, cancellations and FBM quantities sent back through Feeds API feeds.",
    "category": "Sales/Sales",
    "depends": ["sale_amazon"],
    "data": [
        "security/ir.model.access.csv",
        "security/rules.xml",
        "data/ir_config_parameter.xml",
        "data/ir_cron.xml",
        "data/ir_cron_outbound.xml",
        "data/wizard_cleanup.xml",
        "views/amazon_spapi_app_views.xml",
        "views/amazon_account_views.xml",
        "views/amazon_spapi_connect_link_views.xml",
        "views/wizard_views.xml",
        "views/amazon_spapi_feed_views.xml",
    ],
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "auto_install": True,
    "license": "LGPL-3",
    "author": "CoquiAPPs",
}
