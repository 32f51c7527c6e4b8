"""Cross-origin requests answered as the Functions host answers them.

The platform's CORS (`Host.CORS` / `Host.CORSCredentials` in local.settings.json for Core Tools,
`siteConfig.cors.allowedOrigins` / `supportCredentials` in Azure) is ASP.NET Core's CORS
middleware in front of every function, configured as "these origins, any header, any method":

- a preflight (OPTIONS with `Origin` and `Access-Control-Request-Method`) never reaches a
  function: it is answered 204, with `Access-Control-Allow-Origin` (the origin, or `*` for a
  list of just `*`), the requested method and the requested headers echoed, and
  `Access-Control-Allow-Credentials: true` when credentials are on; for an origin not on the
  list the 204 carries no CORS header, so the browser refuses the call;
- any other request runs the function; an allowed origin gets the same allow headers added;
- `Vary: Origin` goes out when the answer depends on the origin (more than one origin listed,
  or `*` with credentials, which the platform refuses anyway);
- there is no setting for exposed headers: the app sends `Access-Control-Expose-Headers`
  itself (functions/problems.py), and this middleware leaves it alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ANY_ORIGIN = "*"


class CorsSettingsError(ValueError):
    """A CORS configuration the platform refuses; the message says what to change."""


@dataclass(frozen=True)
class CorsPolicy:
    origins: tuple[str, ...]
    support_credentials: bool = False

    def __post_init__(self) -> None:
        if self.support_credentials and ANY_ORIGIN in self.origins:
            # App Service refuses this combination; the CORS middleware would throw per request.
            raise CorsSettingsError(
                "CORS credentials cannot be enabled while the allowed origins include '*'"
            )

    @classmethod
    def parse(cls, origins: str | None, credentials: object = False) -> CorsPolicy | None:
        """From Host.CORS (comma-separated) and Host.CORSCredentials; None when CORS is off."""
        listed = tuple(
            normalize_origin(part) for part in (origins or "").split(",") if part.strip()
        )
        if not listed:
            return None
        allow_credentials = str(credentials).strip().lower() == "true"
        return cls(listed, allow_credentials)

    @property
    def any_origin(self) -> bool:
        return self.origins == (ANY_ORIGIN,)

    def allows(self, origin: str) -> bool:
        return self.any_origin or normalize_origin(origin) in self.origins

    @property
    def varies_by_origin(self) -> bool:
        return len(self.origins) > 1 or (self.any_origin and self.support_credentials)

    def _allow_headers(self, origin: str) -> list[tuple[str, str]]:
        allowed = ANY_ORIGIN if self.any_origin and not self.support_credentials else origin
        headers = [("Access-Control-Allow-Origin", allowed)]
        if self.support_credentials:
            headers.append(("Access-Control-Allow-Credentials", "true"))
        if self.varies_by_origin:
            headers.append(("Vary", "Origin"))
        return headers

    def preflight(self, request_headers: Mapping[str, str]) -> list[tuple[str, str]]:
        """Headers of the 204 answering a preflight; empty for an origin not on the list."""
        origin = request_headers.get("origin", "")
        if not self.allows(origin):
            return []
        headers = self._allow_headers(origin)
        requested_headers = request_headers.get("access-control-request-headers", "").strip()
        if requested_headers:
            headers.append(("Access-Control-Allow-Headers", requested_headers))
        method = request_headers.get("access-control-request-method", "").strip()
        headers.append(("Access-Control-Allow-Methods", method))
        return headers

    def actual(self, request_headers: Mapping[str, str]) -> list[tuple[str, str]]:
        """Headers added to a function's answer; empty without an allowed Origin."""
        origin = request_headers.get("origin")
        if origin is None or not self.allows(origin):
            return []
        return self._allow_headers(origin)


def is_preflight(method: str, request_headers: Mapping[str, str]) -> bool:
    return (
        method.upper() == "OPTIONS"
        and "origin" in request_headers
        and "access-control-request-method" in request_headers
    )


def lower_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header names folded to lower case; repeated fields joined with commas, as HTTP allows."""
    folded: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        folded[key] = f"{folded[key]}, {value}" if key in folded else value
    return folded


def normalize_origin(origin: str) -> str:
    """Scheme and host in lower case, no trailing slash (as the middleware compares them)."""
    text = origin.strip().rstrip("/")
    return text if text == ANY_ORIGIN else text.lower()


def policy_from_local_settings(document: Mapping[str, object]) -> CorsPolicy | None:
    """The `Host` section of local.settings.json: `CORS` and `CORSCredentials`."""
    host = document.get("Host") or {}
    if not isinstance(host, Mapping):
        raise CorsSettingsError("local.settings.json: 'Host' must be an object")
    origins = host.get("CORS")
    if origins is not None and not isinstance(origins, str):
        raise CorsSettingsError("local.settings.json: Host.CORS must be a comma-separated string")
    return CorsPolicy.parse(origins, host.get("CORSCredentials", False))


def read_cors_policy(path: str | Path) -> CorsPolicy | None:
    """CORS from a local.settings.json file; an absent file means CORS is off."""
    file = Path(path)
    if not file.exists():
        return None
    return policy_from_local_settings(json.loads(file.read_text(encoding="utf-8")))
