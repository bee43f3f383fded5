"""What `verify_provider` refuses before it reaches any server, and how a failure's mismatches are ordered:
no sockets, no Pact FFI."""

from __future__ import annotations

import pytest

from caas_core.errors import ConfigError
from contracts.broker import shown
from contracts.results import read_results
from contracts.verify import verify_provider


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://127.0.0.1:abc",
            "--base-url must be an http(s) URL with a host, got 'http://127.0.0.1:abc': "
            "Port could not be cast to integer value as 'abc'",
        ),
        (
            "http://127.0.0.1:99999",
            "--base-url must be an http(s) URL with a host, got 'http://127.0.0.1:99999': "
            "Port out of range 0-65535",
        ),
        (
            "http://[::1",
            "--base-url must be an http(s) URL with a host, got 'http://[::1': Invalid IPv6 URL",
        ),
        ("localhost:8080", "--base-url must be an http(s) URL with a host, got 'localhost:8080'"),
    ],
)
def test_a_malformed_base_url_is_one_config_error(url, message):
    with pytest.raises(ConfigError) as refused:
        verify_provider("factory-api", url)
    assert str(refused.value) == message


def test_a_malformed_state_url_is_named_as_such():
    with pytest.raises(ConfigError) as refused:
        verify_provider("factory-api", "http://127.0.0.1:9", state_url="http://127.0.0.1:x/_pact")
    assert str(refused.value) == (
        "--state-url must be an http(s) URL with a host, got 'http://127.0.0.1:x/_pact': "
        "Port could not be cast to integer value as 'x'"
    )


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (
            {"Bad Name": "x"},
            "header name 'Bad Name' is not valid: letters, digits and !#$%&'*+.^_`|~-",
        ),
        ({"X-API-Key": "clé"}, "the value of header 'X-API-Key' must be printable ASCII"),
        ({"X-API-Key": "€"}, "the value of header 'X-API-Key' must be printable ASCII"),
    ],
)
def test_a_header_the_verifier_cannot_send_is_refused_once_up_front(headers, message):
    with pytest.raises(ConfigError) as refused:
        verify_provider("factory-api", "http://127.0.0.1:9", headers=headers)
    assert str(refused.value) == message


def test_a_broker_url_is_shown_without_its_credentials():
    assert shown("https://ci:s3cret@broker.example.com/x") == "https://***@broker.example.com/x"
    assert shown("https://broker.example.com/a@b") == "https://broker.example.com/a@b"
    with pytest.raises(ConfigError) as refused:
        verify_provider("factory-api", "http://127.0.0.1:9", broker_url="ftp://ci:s3cret@broker")
    assert str(refused.value) == "--broker-url must be an http(s) URL with a host, got 'ftp://***@broker'"


def test_a_wrong_status_is_reported_before_the_header_and_body_mismatches_it_causes():
    results = {
        "interactionResults": [
            {
                "consumer": "caas-core",
                "description": "a request to place an order",
                "providerStates": [],
                "result": "error",
                "mismatch": {
                    "type": "mismatches",
                    "mismatches": [
                        {"type": "BodyMismatch", "path": "$", "mismatch": "missing orderId"},
                        {"type": "BodyMismatch", "path": "$.status", "mismatch": "not ACCEPTED"},
                        {"type": "HeaderMismatch", "key": "Content-Type", "mismatch": "not json"},
                        {"type": "StatusMismatch", "expected": 201, "actual": 401, "mismatch": "x"},
                    ],
                },
            }
        ]
    }
    [result] = read_results(results)
    assert [(m.where, m.message) for m in result.mismatches] == [
        ("status", "expected 201, got 401"),
        ("header Content-Type", "not json"),
        ("body $", "missing orderId"),
        ("body $.status", "not ACCEPTED"),
    ]
