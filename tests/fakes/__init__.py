"""Local stand-ins for the HTTP peers (Key Vault, Entra ID, Dataverse, alert receivers).

Tests talk to these over real sockets on 127.0.0.1, so the code under test runs its real HTTP
stack (azure-core, MSAL, requests); only the far end is fake.
"""
