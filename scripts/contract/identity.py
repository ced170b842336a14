"""Prints a bearer credential of the demo school 999999 for scripts/contract/run.

Usage: identity.py BASE_URL admin|teacher|student|api_key
The demo accounts' password is `demo2026` (api/src/demo.rs); the API key is created by the
school admin with the scopes `sync` and `read`.
"""
import json
import sys
import urllib.request

ACCOUNTS = {"admin": "admin", "teacher": "999999_T001", "student": "999999_115001"}


def call(base, method, path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def sign_in(base, account):
    pair = call(base, "POST", "/api/v1/auth/sign-in", {"school": "999999", "account": account, "password": "demo2026"})
    return pair["access_token"]


def main():
    base, who = sys.argv[1], sys.argv[2]
    if who == "api_key":
        admin = sign_in(base, "admin")
        created = call(base, "POST", "/api/v1/api-keys", {"name": "contract checks", "scopes": ["sync", "read"]}, admin)
        print(created["secret"])
    else:
        print(sign_in(base, ACCOUNTS[who]))


if __name__ == "__main__":
    main()
