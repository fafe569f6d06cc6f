from . import (  # noqa: F401
    amazon_account,
    amazon_account_stock,
    amazon_demo,
    amazon_marketplace,
    amazon_offer,
    amazon_offer_stock,
    amazon_order_import,
    amazon_order_import_delivery,  # after amazon_order_import: it extends its methods
    amazon_outbound,
    amazon_sync,
    amazon_sync_log,
    delivery_carrier,
    sale_order,
    sale_order_outbound,
    stock_picking,
)
