"""The core's API against its own OpenAPI document with schemathesis and all its checks: no server
error, every answer documented, every body as its schema says."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from caas_core.api.app import create_app
from scenarios.world import build_world
from tests.helpers.world import OPERATOR

WORLD = build_world(2)
APP = create_app(WORLD.core)
# A valid request may still name something that does not exist yet (404) or be refused by a rule the
# schema cannot state (409, 422); those are answers by design, not valid data rejected.
CONFIG = SchemathesisConfig.from_str(
    """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409", "422", "429"]
"""
)
SCHEMA = schemathesis.openapi.from_wsgi("/openapi.json", APP, config=CONFIG)


@SCHEMA.parametrize()
@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_core_api_conforms_to_its_document(case):
    case.call_and_validate(headers=OPERATOR)  # the operator's token opens every route
