"""What Entra ID writes in `iss` and `aud` for one tenant and one API registration.

The token version is chosen by the API's registration (`requestedAccessTokenVersion`, shown as
`accessTokenAcceptedVersion` in the manifest; null or 1: v1.0, 2: v2.0), not by the endpoint a
client signs in with (https://learn.microsoft.com/entra/identity-platform/access-tokens,
"Token formats"). So one deployment may meet either version, and both must validate:

- v1.0: `iss` is `https://sts.windows.net/<tenant id>/`; `aud` is the resource the client asked
  for, the client id or the Application ID URI (`api://<client id>`);
- v2.0: `iss` is `https://login.microsoftonline.com/<tenant id>/v2.0`; `aud` is always the
  client id.

(https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference, `iss`, `aud`.)
"""

from __future__ import annotations

import re

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_V2_ISSUER = re.compile(rf"^https://login\.microsoftonline\.com/(?P<tenant>{_GUID})/v2\.0$")
_V1_ISSUER = re.compile(rf"^https://sts\.windows\.net/(?P<tenant>{_GUID})/$")
_CLIENT_ID = re.compile(rf"^{_GUID}$")


def accepted_issuers(configured: tuple[str, ...]) -> tuple[str, ...]:
    """The configured issuers plus, for a public-cloud tenant, its other token version's issuer.

    Only the global cloud's pair is derived; sovereign clouds list both issuers explicitly.
    """
    accepted = list(configured)
    for issuer in configured:
        if match := _V2_ISSUER.match(issuer):
            accepted.append(f"https://sts.windows.net/{match['tenant']}/")
        elif match := _V1_ISSUER.match(issuer):
            accepted.append(f"https://login.microsoftonline.com/{match['tenant']}/v2.0")
    return tuple(dict.fromkeys(accepted))


def accepted_audiences(configured: tuple[str, ...]) -> tuple[str, ...]:
    """The configured audiences plus `api://<client id>` for each client id among them.

    `api://<client id>` is the default Application ID URI of the same registration, and the
    `aud` of a v1.0 token requested with it; Application ID URIs are unique in a tenant, and
    the issuer check pins the tenant, so it names no other API.
    """
    accepted = list(configured)
    for audience in configured:
        if _CLIENT_ID.match(audience):
            accepted.append(f"api://{audience}")
    return tuple(dict.fromkeys(accepted))
