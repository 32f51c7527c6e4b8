"""Moving messages: the ACS sender, the delivery queue, and the on-call line for poison."""
