{
    "name": "Amazon/Selling Partner API Patch",
    "version": "17.0.1.0.0",
    "summary": "Move the Amazon Connector from the retired MWS to the Selling Partner API",
    "category": "Sales/Sales",
    "depends": ["sale_amazon"],
    "data": [],
    "auto_install": True,
    "application": False,
    "license": "LGPL-3",
    "author": "CoquiAPPs",
}
