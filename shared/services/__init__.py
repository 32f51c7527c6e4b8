"""Use cases: one module per area, given ports (storage, clock, ...)."""
