from . import amazon_offer_csv  # noqa: F401
