"""Namespace of every CoquiAPPs addon: ``coquiapps.addons.<technical_name>``.

The runtime's own addons live in this folder; folders from the addons path
are appended to ``__path__`` and modules installed as Python distributions
(entry-point group ``coquiapps.addons``) are mapped here by
:mod:`coquiapps.modules.discovery`, so every addon is imported under the same
name wherever its files are.
"""
