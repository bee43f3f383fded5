"""A deterministic world for end-to-end tests: fixed latencies and timelines, so times are exact."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from caas_core.config import SANDBOX_CORE_API_TOKEN, SANDBOX_CORE_OPERATOR_TOKEN
from httpkit.messages import HttpRequest, HttpResponse
from simulators.admin import AdminConfig
from simulators.factory import FactoryConfig
from simulators.iot import IotConfig
from simulators.kit.distributions import Fixed
from simulators.payment import PaymentConfig
from simulators.vss import VssConfig
from tests.helpers.webhooks import webhook_headers

LATENCY = Fixed(s=0.05)
HOUR = 3600.0
CONFIGS: dict[str, Any] = {
    "factory": FactoryConfig(
        latency=LATENCY,
        queue_time=Fixed(s=HOUR),
        build_time=Fixed(s=2 * HOUR),
        delay_probability=0.0,
    ),
    "vss": VssConfig(latency=LATENCY),
    "iot": IotConfig(latency=LATENCY, transit=Fixed(s=2), processing=Fixed(s=10), failure_rate=0.0),
    "payment": PaymentConfig(latency=LATENCY, settlement_delay=Fixed(s=1800)),
    "admin": AdminConfig(latency=LATENCY),
}
SPEC = {"model": "CITY", "trim": "BASE", "colour": "RED", "options": [], "country": "ES"}
OWNERS = {
    "ES": {"name": "Ana García", "nationalId": "12345678Z"},
    "FR": {"name": "Luc Martin", "dateOfBirth": "1980-02-01", "postalCode": "75001"},
    "DE": {"name": "Jonas Weber", "postalCode": "10115", "city": "Berlin"},
    "IT": {"name": "Giulia Rossi", "codiceFiscale": "RSSGLI80A41H501X"},
    "PT": {"name": "João Silva", "nif": "123456789"},
}


OPERATOR = {"Authorization": f"Bearer {SANDBOX_CORE_OPERATOR_TOKEN}"}
CLIENT = {"Authorization": f"Bearer {SANDBOX_CORE_API_TOKEN}"}


def call(
    world, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> HttpResponse:
    """An operator's request to the core's API (or with `headers`' token), through the world's transport."""
    path, _, query = path.partition("?")
    request = HttpRequest(
        method,
        path,
        headers=OPERATOR if headers is None else headers,
        query=dict(parse_qsl(query)),
        json=body,
    )
    response = world.runtime.transports["core"].handle_request(request, None).response
    assert response is not None
    return response


def order_body(country: str = "ES") -> dict[str, Any]:
    return {
        "customerEmail": "ana@example.com",
        "country": country,
        "vehicleSpec": {**SPEC, "country": country},
        "owner": OWNERS[country],
    }


def purchase_body(vin: str, card: str = "tok_success", service: str = "enhanced-power") -> dict[str, Any]:
    return {"vin": vin, "serviceId": service, "cardToken": card}


def signed_webhook(
    secret: str,
    message_id: str,
    data: dict[str, Any],
    sent_at: float,
    event_type: str = "order.status_changed",
) -> HttpRequest:
    """A webhook as a Standard Webhooks sender would sign it, stamped with Unix time `sent_at`."""
    payload = {"type": event_type, "timestamp": "2026-01-01T00:00:00Z", "data": data}
    headers = webhook_headers(secret, message_id, payload, sent_at)
    return HttpRequest("POST", "/webhooks/factory/status", headers=headers, json=payload)
