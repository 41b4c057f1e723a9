"""Plugins used as installed entry points in tests of discovery (see test_plugins.py)."""
