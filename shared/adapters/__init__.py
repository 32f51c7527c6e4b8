"""Adapters: the only place that talks to SQLite, Cosmos DB, Key Vault, Entra ID and HTTP peers."""
