"""Cosmos DB (NoSQL API) implementation of the storage ports."""
