from . import (  # noqa: F401
    amazon_spapi_link_wizard,
    amazon_spapi_migrate,
    amazon_spapi_private_app,
    amazon_spapi_rotate_secret,
    amazon_spapi_sandbox,
)
