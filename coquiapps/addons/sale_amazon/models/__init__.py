from . import (  # noqa: F401
    amazon_account,
    amazon_demo,
    amazon_marketplace,
    amazon_offer,
    amazon_order_import,
    amazon_sync,
    amazon_sync_log,
    sale_order,
)
