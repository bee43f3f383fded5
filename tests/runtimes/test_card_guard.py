"""The card guard before every live server: a card number in a path, a query, a header or (for the
simulators) a body is refused with 400 before the app sees it, and the refusal never repeats it."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from httpkit.card_guard import CardGuard

PAN = "4111111111111111"


class App:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, environ, start_response):
        self.seen.append(
            environ["PATH_INFO"]
            + "?"
            + environ.get("QUERY_STRING", "")
            + environ["wsgi.input"].read().decode()
        )
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


@pytest.mark.parametrize(
    ("request_kwargs", "where"),
    [
        ({"path": f"/api/iot/vehicles/{PAN}/status"}, "the path"),
        ({"path": "/api/orders", "query_string": {"q": "4111 1111 1111 1111"}}, "query parameter q"),
        ({"path": "/api/orders", "headers": {"X-Customer": f"card {PAN}"}}, "header x-customer"),
        (
            {"path": "/api/orders", "method": "POST", "json": {"customerReference": PAN}},
            "body.customerReference",
        ),
        ({"path": "/oauth/token", "method": "POST", "data": {"note": PAN}}, "body.note"),
    ],
)
def test_a_card_number_is_refused_where_it_sits_and_never_repeated(request_kwargs, where):
    app = App()
    answer = Client(CardGuard(app, scan_bodies=True)).open(**request_kwargs)
    assert (answer.status_code, answer.headers["Content-Type"]) == (400, "application/problem+json")
    assert answer.json["detail"] == f"{where} looks like a card number: send a card token, never the card"
    assert PAN not in answer.get_data(as_text=True) and "4111 1111" not in answer.get_data(as_text=True)
    assert app.seen == []


def test_credentials_trace_context_and_ordinary_requests_pass_and_the_body_is_read_again():
    app = App()
    client = Client(CardGuard(app, scan_bodies=True))
    headers = {"Authorization": f"Bearer {PAN}", "traceparent": f"00-{'0' * 16}{PAN}-00f067aa0ba902b7-01"}
    answer = client.post("/api/v1/orders", json={"customerReference": "cust-1"}, headers=headers)
    assert answer.status_code == 200
    assert app.seen == ['/api/v1/orders?{"customerReference": "cust-1"}']


def test_without_body_scanning_a_body_is_the_app_s_to_judge():
    app = App()
    answer = Client(CardGuard(app)).post("/webhooks/payment/settlement", json={"failureReason": PAN})
    assert answer.status_code == 200
