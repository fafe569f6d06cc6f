"""Test harness: the pytest plugin, database fixtures and helpers for addon tests."""
