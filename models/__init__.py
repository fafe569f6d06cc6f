from . import (  # noqa: F401
    amazon_account_credentials,
    amazon_account_health,
    amazon_account_link,
    amazon_account_mws,
    amazon_account_orders,
    amazon_account_outbound,
    amazon_account_tokens,
    amazon_spapi_app,
    amazon_spapi_consent,
    amazon_spapi_feed,
    amazon_spapi_rate_bucket,
    amazon_spapi_token,
)
