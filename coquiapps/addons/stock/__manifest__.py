{  # noqa: B018 - a manifest is a bare dict literal
    "name": "Inventory",
    "version": "1.0",
    "summary": "Warehouses, on-hand quantities and delivery orders with carrier and tracking",
    "description": "Warehouses and locations, on-hand quantities per product and location, delivery "
                   "orders created when a sales order is confirmed, validated with a carrier and a "
                   "tracking reference, partial deliveries with backorders.",
    "category": "Inventory/Inventory",
    "depends": ["sale"],
    "data": [
        "security/stock_security.xml",
        "security/ir.model.access.csv",
        "security/stock_rules.xml",
        "data/stock_data.xml",
        "views/stock_location_views.xml",
        "views/stock_quant_views.xml",
        "views/stock_picking_views.xml",
        "views/delivery_carrier_views.xml",
        "views/sale_order_views.xml",
        "views/product_views.xml",
        "views/stock_menus.xml",
    ],
    "demo": [],
    "application": True,
    "installable": True,
    "license": "LGPL-3",
    "author": "CoquiAPPs",
}
