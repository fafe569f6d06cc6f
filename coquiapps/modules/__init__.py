"""Addons: discovery, manifests, the dependency graph, install/upgrade/uninstall."""
