"""Everything the Functions share: domain rules, services, ports and adapters."""
