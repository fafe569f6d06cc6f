from . import (  # noqa: F401
    delivery_carrier,
    product,
    sale_order,
    stock_location,
    stock_move,
    stock_picking,
    stock_quant,
)
