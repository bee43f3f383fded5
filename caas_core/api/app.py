"""The core's API behind Flask, for a live server or the simulated wire transport."""

from __future__ import annotations

import flask

from caas_core.api.service import CoreApi
from caas_core.service import CaasCore
from httpkit.flask_edge import create_app as serve_routes


def create_app(core: CaasCore) -> flask.Flask:
    """The core's API behind Flask; the service is `app.extensions["simulator"]`, as for the simulators."""
    return serve_routes(CoreApi(core))
