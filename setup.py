"""Packaging: the runtime `coquiapps` and the root module `sale_amazon_spapi`.

The repository root *is* the module, so its package directory is mapped from
"." and its sub-packages are listed explicitly (the runtime folder below the
root must not become a sub-package of the module).
"""
from setuptools import find_packages, setup

MODULE = "sale_amazon_spapi"
RUNTIME = find_packages(include=["coquiapps", "coquiapps.*"])
MODULE_SUBPACKAGES = [
    f"{MODULE}.{name}"
    for name in find_packages(exclude=["coquiapps", "coquiapps.*", "bench", "bench.*"])
]
DATA = ["*.xml", "*.csv", "*.sql", "*.po", "*.pot", "*.html", "*.css", "*.js", "*.png", "*.svg", "*.md", "*.txt", "*.json"]

setup(
    packages=RUNTIME + [MODULE] + MODULE_SUBPACKAGES,
    package_dir={MODULE: "."},
    package_data={pkg: DATA for pkg in RUNTIME + [MODULE] + MODULE_SUBPACKAGES},
    exclude_package_data={MODULE: ["coquiapps/*", "bench/*"]},
)
