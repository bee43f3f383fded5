"""Trace and span ids: W3C-sized hex that never reads as a card number, traceparent read as W3C says,
and a trace id sent to us taken only when it is one."""

from __future__ import annotations

import random

import pytest

from caas_core.cards import contains_card_number
from httpkit.tracing import span_id, trace_id_from, traceparent_trace_id, valid_trace_id

W3C = "4bf92f3577b34da6a3ce929d0e0e4736"


def test_made_ids_never_hold_a_card_number_even_from_all_digit_bits():
    assert trace_id_from(0) == "0000000000a0000000000a0000000000"
    assert trace_id_from(int("4111111111111111" * 2)) == trace_id_from(int("4111111111111111" * 2))
    draws = random.Random(7)
    traces = [trace_id_from(draws.getrandbits(128)) for _ in range(20_000)]
    spans = [span_id(n) for n in range(1, 20_000)] + [span_id(n, "factory") for n in (0x18, 10**15)]
    assert not [i for i in traces + spans if contains_card_number(i)]
    assert {len(t) for t in traces} == {32} and {len(s) for s in spans} == {16}


def test_a_span_id_names_its_origin():
    assert (span_id(1), span_id(1, "factory"), span_id(1, "payment")) == (
        "0000000a00000001",
        "0000000b00000001",
        "0000000c00000001",
    )


@pytest.mark.parametrize(
    ("header", "taken"),
    [
        (f"00-{W3C}-00f067aa0ba902b7-01", W3C),
        (f"01-{W3C}-00f067aa0ba902b7-01-later-fields", W3C),  # a later version may add fields
        (f"00-{W3C}-00f067aa0ba902b7-01-extra", None),  # version 00 has exactly four
        (f"ff-{W3C}-00f067aa0ba902b7-01", None),
        (f"00-{'0' * 32}-00f067aa0ba902b7-01", None),
        (f"00-{W3C}-{'0' * 16}-01", None),
        (f"00-{W3C.upper()}-00f067aa0ba902b7-01", None),
        ("00-abcd4111111111111111abcdabcdabcd-00f067aa0ba902b7-01", None),
        ("garbage", None),
    ],
)
def test_a_traceparent_gives_its_trace_id_only_when_valid(header, taken):
    assert traceparent_trace_id(header) == taken


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("demo-1", True),
        (W3C, True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("", False),
        ("has space", False),
        ("4111-1111-1111-1111", False),
        ("<script>", False),
    ],
)
def test_a_trace_id_sent_to_us_is_taken_only_when_it_is_one(value, valid):
    assert valid_trace_id(value) is valid
