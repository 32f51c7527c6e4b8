"""Test support: an in-process client for the registered HTTP functions, tokens, scenarios."""
