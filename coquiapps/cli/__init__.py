"""The ``coquiapps`` command line: sub-commands of the runtime and of addons."""
