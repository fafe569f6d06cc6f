"""stock: warehouses, locations, on-hand quantities and delivery orders.

A confirmed sales order gets a delivery order (``stock.picking``) with one
move per product line; validating it moves the quantities done from the
warehouse's stock location to the customers location (``stock.quant``), with
the carrier and tracking reference of the shipment. A partial validation
leaves the rest in a backorder.
"""
from . import models  # noqa: F401
