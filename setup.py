"""Packaging: the runtime `coquiapps`, the root module `sale_amazon_spapi` and
`amazon_sandbox` (the local Amazon, a package of its own).

The repository root *is* the module, so its package directory is mapped from
"." and its sub-packages are listed explicitly (the runtime and the sandbox
folders below the root must not become sub-packages of the module).
"""
from setuptools import find_packages, setup

MODULE = "sale_amazon_spapi"
RUNTIME = find_packages(include=["coquiapps", "coquiapps.*"])
SANDBOX = find_packages(include=["amazon_sandbox", "amazon_sandbox.*"])
MODULE_SUBPACKAGES = [
    f"{MODULE}.{name}"
    for name in find_packages(exclude=["coquiapps", "coquiapps.*", "amazon_sandbox", "amazon_sandbox.*",
                                       "bench", "bench.*"])
]
DATA = ["*.xml", "*.csv", "*.sql", "*.po", "*.pot", "*.html", "*.css", "*.js", "*.png", "*.svg", "*.md", "*.txt", "*.json"]

setup(
    packages=RUNTIME + SANDBOX + [MODULE] + MODULE_SUBPACKAGES,
    package_dir={MODULE: "."},
    package_data={pkg: DATA for pkg in RUNTIME + SANDBOX + [MODULE] + MODULE_SUBPACKAGES},
    exclude_package_data={MODULE: ["coquiapps/*", "amazon_sandbox/*", "bench/*"]},
)
