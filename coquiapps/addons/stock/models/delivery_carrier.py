"""Carriers: who transports a delivery (its tracking reference is theirs)."""
from coquiapps import fields, models


class DeliveryCarrier(models.Model):
    """A shipping carrier (UPS, USPS, a local courier...) chosen when a delivery is validated."""

    _name = "delivery.carrier"
    _description = "Shipping Carrier"
    _order = "sequence, name, id"

    name = fields.Char("Carrier", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", "Company", index=True,
                                 help="Empty: available to every company")
    tracking_url = fields.Char("Tracking Link",
                               help="Address of the carrier's tracking page; <shipmenttrackingnumber> is "
                                    "replaced by the tracking reference")
