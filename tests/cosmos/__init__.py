"""The local Cosmos DB test server (Node) and the fixtures that run tests against it."""
