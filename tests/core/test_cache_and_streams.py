"""The fallback cache's age limit, and seeded streams that do not shift when others are added."""

from __future__ import annotations

from caas_core.resilience import TtlCache
from runtimes.streams import Streams


def test_cache_serves_values_younger_than_the_ttl_only():
    cache: TtlCache[str] = TtlCache(3600)
    cache.put("vin", "CURRENT", now=100)
    assert cache.get("vin", now=3699.9).value == "CURRENT"
    assert cache.get("vin", now=3699.9).age(3699.9) == 3599.9
    assert cache.get("vin", now=3700) is None
    assert cache.get("vin", now=200, max_age_s=50) is None
    assert cache.get("other", now=100) is None


def test_cache_keeps_the_latest_value():
    cache: TtlCache[str] = TtlCache(10)
    cache.put("vin", "OVERDUE", now=0)
    cache.put("vin", "CURRENT", now=5)
    assert cache.get("vin", now=14).value == "CURRENT"


def test_a_new_stream_does_not_shift_the_draws_of_the_others():
    alone = Streams(42)
    alone_draws = [alone.get("latency").random() for _ in range(5)]
    crowded = Streams(42)
    crowded.get("new-feature").random()
    crowded.get("another").random()
    assert [crowded.get("latency").random() for _ in range(5)] == alone_draws


def test_streams_depend_on_seed_and_name():
    assert Streams(1).get("a").random() == Streams(1).get("a").random()
    assert Streams(1).get("a").random() != Streams(2).get("a").random()
    assert Streams(1).get("a").random() != Streams(1).get("b").random()
