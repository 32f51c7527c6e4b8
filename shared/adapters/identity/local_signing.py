"""The local signing key: made on first run, kept under .local/, used to mint demo tokens.

The app validates these tokens through the same TokenValidator as Entra ID tokens; only the
source of the public key differs (a JWKS file instead of the tenant's JWKS URL).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.domain.identity import POS_SCOPE

LOCAL_ISSUER = "https://login.local.clienteling/v2.0"
LOCAL_AUDIENCE = "api://clienteling-local"
PRIVATE_KEY_FILE = "signing-key.pem"
JWKS_FILE = "jwks.json"


class LocalSigningKey:
    def __init__(self, private_key: rsa.RSAPrivateKey, kid: str) -> None:
        self._private_key = private_key
        self.kid = kid

    @classmethod
    def load_or_create(cls, key_dir: Path) -> LocalSigningKey:
        key_dir.mkdir(parents=True, exist_ok=True)
        pem_path = key_dir / PRIVATE_KEY_FILE
        if pem_path.exists():
            key = serialization.load_pem_private_key(pem_path.read_bytes(), password=None)
            assert isinstance(key, rsa.RSAPrivateKey)
            kid = json.loads((key_dir / JWKS_FILE).read_text())["keys"][0]["kid"]
            return cls(key, kid)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        kid = uuid.uuid4().hex[:16]
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(pem_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        signing = cls(key, kid)
        (key_dir / JWKS_FILE).write_text(json.dumps(signing.jwks(), indent=2))
        return signing

    def jwks(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._private_key.public_key()))
        public.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [public]}

    def mint(
        self,
        object_id: str,
        name: str | None = None,
        roles: list[str] | None = None,
        scope: str | None = POS_SCOPE,
        issuer: str = LOCAL_ISSUER,
        audience: str = LOCAL_AUDIENCE,
        lifetime: dt.timedelta = dt.timedelta(hours=12),
        extra: dict | None = None,
    ) -> str:
        """A delegated token (scp) as a POS signs its user in; scope=None: an app-only token."""
        now = dt.datetime.now(dt.UTC)
        claims = {
            "iss": issuer,
            "aud": audience,
            "oid": object_id,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int((now + lifetime).timestamp()),
            **({"name": name} if name else {}),
            **({"scp": scope} if scope else {}),
            **({"roles": roles} if roles else {}),
            **(extra or {}),
        }
        return jwt.encode(claims, self._private_key, algorithm="RS256", headers={"kid": self.kid})
