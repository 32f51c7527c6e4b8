"""One contract for the storage port, run against every adapter."""
