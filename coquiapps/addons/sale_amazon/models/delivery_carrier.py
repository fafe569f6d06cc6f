"""Carriers as Amazon knows them: a shipment confirmation names Amazon's carrier code when known."""
from coquiapps import api, fields, models

DEFAULT_CODES = {"stock.carrier_ups": "UPS", "stock.carrier_usps": "USPS", "stock.carrier_fedex": "FedEx",
                 "stock.carrier_dhl": "DHL"}


class DeliveryCarrier(models.Model):
    """Amazon's code for a carrier (its published list: USPS, UPS, FedEx, DHL, ...)."""

    _inherit = "delivery.carrier"

    amazon_carrier_code = fields.Char(
        "Amazon Carrier Code",
        help="The carrier's code in Amazon's carrier list (e.g. UPS, USPS, FedEx, DHL). Empty: the carrier's "
             "name is sent to Amazon instead, which Amazon accepts with a warning")

    def _amazon_carrier(self) -> tuple:
        """``(code, name)`` Amazon is told: the code when known (name empty), else the name."""
        self.ensure_one()
        code = (self.amazon_carrier_code or "").strip()
        return (code, "") if code else ("", self.name)

    @api.model
    def _amazon_set_default_codes(self) -> None:
        """Give Inventory's own carriers their Amazon code, unless one is set (called by the data)."""
        for xmlid, code in DEFAULT_CODES.items():
            carrier = self.env.ref(xmlid, raise_if_not_found=False)
            if carrier and not carrier.amazon_carrier_code:
                carrier.sudo().amazon_carrier_code = code
