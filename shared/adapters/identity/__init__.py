"""Bearer token validation (Entra ID JWKS or the local signing key) with PyJWT."""
