"""Pure rules and value types of clienteling: no I/O, no Azure imports."""
