"""A schemathesis hook module: signs every request as a Bianmin station does (docs/sync-protocol.md), and
counts the answers by status.

Load it with SCHEMATHESIS_HOOKS=schemathesis_signing (scripts/ on PYTHONPATH). When BIANMIN_STATION names an
enrolled station and BIANMIN_STATION_KEY its key file (`station-ed25519.key` in a kiosk's data directory:
base64 of the raw Ed25519 private key), every path gets that station, enrolment bodies that are JSON objects
get its code and public key (so generated tokens reach the token check), and each request is signed once
requests has serialised it: RequestSignature.message over the method, the target as sent, the station, the
date, a fresh nonce and the SHA-256 of the body bytes as sent. Without them requests go unsigned. The count
of answers per status is written as JSON to BIANMIN_STATUS_TALLY at exit.
"""

import atexit
import base64
import collections
import hashlib
import json
import os
import secrets
import threading
import time

import requests
import schemathesis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

STATION = os.environ.get("BIANMIN_STATION")
if STATION:
    with open(os.environ["BIANMIN_STATION_KEY"], encoding="ascii") as key_file:
        KEY = Ed25519PrivateKey.from_private_bytes(base64.b64decode(key_file.read().strip()))
    PUBLIC_KEY = base64.b64encode(KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()

TALLY = collections.Counter()
TALLY_LOCK = threading.Lock()


class StationSignature(requests.auth.AuthBase):
    """Signs a prepared request (requests applies it once the body and the URL are final), replacing any
    generated X-Bianmin-* values (header names are case-insensitive)."""

    def __call__(self, request):
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
            request.body = body
            request.prepare_content_length(body)
        date = str(int(time.time()))
        nonce = secrets.token_hex(16)
        digest = hashlib.sha256(body).hexdigest()
        message = "\n".join(["BIANMIN-REQUEST-1", request.method.upper(), request.path_url, STATION, date, nonce, digest])
        request.headers.update({
            "X-Bianmin-Station": STATION,
            "X-Bianmin-Date": date,
            "X-Bianmin-Nonce": nonce,
            "X-Bianmin-Content-SHA256": digest,
            "X-Bianmin-Signature": base64.b64encode(KEY.sign(message.encode())).decode(),
        })
        return request


@schemathesis.hook
def before_call(context, case, kwargs):
    """Addresses the enrolled station and has requests sign the request (kwargs reach requests)."""
    if not STATION:
        return
    if case.path_parameters and "station" in case.path_parameters:
        case.path_parameters["station"] = STATION
    if case.operation.path == "/v1/enroll" and isinstance(case.body, dict):
        case.body["station"] = STATION
        case.body["public_key"] = PUBLIC_KEY
    kwargs["auth"] = StationSignature()


@schemathesis.hook
def after_call(context, case, response):
    """Counts the answer by operation and status."""
    with TALLY_LOCK:
        TALLY[f"{case.method.upper()} {case.operation.path} {response.status_code}"] += 1


@atexit.register
def write_tally():
    """Writes the counts where the script reads them."""
    if "BIANMIN_STATUS_TALLY" in os.environ:
        with open(os.environ["BIANMIN_STATUS_TALLY"], "w", encoding="utf-8") as tally:
            json.dump(dict(TALLY), tally, indent=1, sort_keys=True)
