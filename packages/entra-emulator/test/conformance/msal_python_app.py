"""A Flask-sample-style MSAL Python app (Debian's python3-msal) against the --https emulator.

Configured only from the lines `entra-emulator --https --print-env` prints (REQUESTS_CA_BUNDLE
makes requests trust the emulator's CA) plus instance discovery off. The browser's authorize step
is one GET with login_hint (the emulator skips its picker for a known user). Prints one JSON line.
"""
import json
import os
from urllib.parse import parse_qsl, urlsplit

import msal
import requests

REDIRECT_URI = "http://localhost:5000/getAToken"
SCOPES = ["User.Read"]
env = os.environ

app = msal.ConfidentialClientApplication(
    env["ENTRA_CLIENT_ID"],
    client_credential=env["ENTRA_CLIENT_SECRET"],
    authority=env["ENTRA_AUTHORITY"],
    # The one switch for a host that is not Microsoft's: do not ask login.microsoftonline.com.
    instance_discovery=False,
)

flow = app.initiate_auth_code_flow(SCOPES, redirect_uri=REDIRECT_URI, login_hint=env["SIGN_IN_USER"])
authorize = requests.get(flow["auth_uri"], allow_redirects=False, timeout=10)
callback = urlsplit(authorize.headers.get("Location", ""))
auth_response = dict(parse_qsl(callback.query))

by_code = app.acquire_token_by_auth_code_flow(flow, auth_response)
accounts = app.get_accounts()
silent = app.acquire_token_silent(SCOPES, account=accounts[0]) if accounts else None
refreshed = (
    app.acquire_token_silent(SCOPES, account=accounts[0], force_refresh=True) if accounts else None
)
# Graph /me with the token acquire_token_silent returned, as the Flask sample's /call_downstream_api.
token = (silent or {}).get("access_token", "")
me = requests.get(
    env["GRAPH_BASE_URL"] + "/v1.0/me",
    headers={"Authorization": "Bearer " + token},
    timeout=10,
)

print(
    json.dumps(
        {
            "msalVersion": msal.__version__,
            "authUri": flow["auth_uri"],
            "authorizeStatus": authorize.status_code,
            "byCode": {
                "error": by_code.get("error"),
                "errorDescription": by_code.get("error_description"),
                "accessToken": by_code.get("access_token"),
                "idTokenClaims": by_code.get("id_token_claims"),
            },
            "accounts": [a.get("username") for a in accounts],
            "silent": {"accessToken": (silent or {}).get("access_token")},
            "refreshed": {
                "accessToken": (refreshed or {}).get("access_token"),
                "error": (refreshed or {}).get("error"),
            },
            "me": {"status": me.status_code, "body": me.json()},
        }
    )
)
