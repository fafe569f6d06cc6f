"""Addons: discovery, manifests, the dependency graph, install/upgrade/uninstall.

The ORM and the tools sit below this layer; what they need of it (finding
addons, judging installed ones) is plugged in when this package is imported
(:mod:`coquiapps.modules.plugs`).
"""
from coquiapps.modules import plugs

plugs.plug()
