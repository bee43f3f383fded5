"""The statistics: exact t quantiles, intervals, paired differences and their significance."""

from __future__ import annotations

import math

import pytest

from scenarios.lab.stats import estimate, paired, t_quantile


@pytest.mark.parametrize(
    ("df", "table"),
    [
        (1, 12.7062),
        (2, 4.3027),
        (3, 3.1824),
        (4, 2.7764),
        (9, 2.2622),
        (19, 2.0930),
        (29, 2.0452),
        (120, 1.9799),
    ],
)
def test_t_quantiles_match_the_printed_table(df, table):
    assert t_quantile(df) == pytest.approx(table, abs=5e-5)


def test_t_quantiles_tend_to_the_normal_and_honour_the_level():
    assert t_quantile(5000) == pytest.approx(1.95996, abs=1e-3)
    assert t_quantile(9, 0.99) == pytest.approx(3.2498, abs=5e-5)
    assert t_quantile(9, 0.90) == pytest.approx(1.8331, abs=5e-5)
    with pytest.raises(ValueError):
        t_quantile(0)


def test_an_estimate_is_the_mean_plus_minus_t_times_the_standard_error():
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    e = estimate(values)
    sd = math.sqrt(2.5)
    assert (e.mean, e.n, e.sd) == (3.0, 5, pytest.approx(sd))
    assert e.half_width == pytest.approx(2.7764 * sd / math.sqrt(5), abs=1e-4)
    assert (e.low, e.high) == (pytest.approx(1.03676, abs=1e-5), pytest.approx(4.96324, abs=1e-5))
    # Closed at both ends (to rounding), and nothing beyond them.
    assert e.contains(e.low) and e.contains(e.high) and e.contains(3.0)
    assert not e.contains(e.low - 1e-9) and not e.contains(e.high + 1e-9)


def test_one_replication_gives_a_mean_without_an_interval():
    e = estimate([0.7])
    assert (e.mean, e.half_width, e.low) == (0.7, None, None)
    assert not paired([1.0], [2.0]).significant


def test_pairing_cancels_the_noise_both_sides_share():
    base = [10.0, 20.0, 30.0, 40.0]
    candidate = [b + 1.0 + 0.01 * k for k, b in enumerate(base)]  # always about one better
    assert estimate(base).contains(estimate(candidate).mean)  # the separate intervals overlap widely...
    d = paired(base, candidate)
    # ...the paired difference is clearly positive: 1.015 +- t(3) x sd / 2, sd = sqrt(0.0005 / 3).
    assert d.significant and (d.estimate.mean, d.estimate.sd) == (
        pytest.approx(1.015),
        pytest.approx(math.sqrt(0.0005 / 3)),
    )
    assert d.estimate.half_width == pytest.approx(3.1824 * math.sqrt(0.0005 / 3) / 2, abs=1e-5)


def test_no_difference_and_a_noisy_difference_are_not_significant():
    assert not paired([1.0, 2.0], [1.0, 2.0]).significant
    assert not paired([1.0, 2.0, 3.0], [1.5, 1.5, 3.1]).significant
    assert paired([1.0, 1.0, 1.0], [2.0, 2.0, 2.0]).significant  # a constant shift, zero spread
    with pytest.raises(ValueError):
        paired([1.0], [1.0, 2.0])
