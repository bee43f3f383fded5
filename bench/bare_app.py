"""The baseline: a bare Flask route under the same waitress settings as `caas-sandbox serve`."""

from __future__ import annotations

import sys

import flask
import waitress

from caas_sandbox.sandbox import THREADS
from runtimes.server import SERVER_OPTIONS

app = flask.Flask("bare")
RECORD = {
    "vin": "SBXHEALTHY0000001",
    "status": "CURRENT",
    "percentage": 95.0,
    "lastServiceDate": "2025-06-01",
    "nextServiceDue": "2026-06-01",
}


@app.get("/api/v2/vehicles/<vin>/maintenance")
def maintenance(vin: str) -> flask.Response:
    return flask.jsonify(RECORD)


if __name__ == "__main__":
    waitress.serve(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        threads=THREADS,
        ident="caas-sandbox",
        _quiet=True,
        **SERVER_OPTIONS,
    )
