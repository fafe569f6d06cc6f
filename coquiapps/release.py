"""Version of the CoquiAPPs runtime (the series addons' manifests refer to)."""

series = "17.0"
version_info = (17, 0, 1, 0)
version = "17.0.1.0"
product_name = "CoquiAPPs"
