"""Ports: the small interfaces services depend on. Adapters implement them."""
