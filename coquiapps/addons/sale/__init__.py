"""sale: products, customers and sales orders (the minimum the Amazon Connector needs)."""
from . import models  # noqa: F401
