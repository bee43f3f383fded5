"""The policy file: the specification's defaults, overrides, derived columns, and one-line errors."""

from __future__ import annotations

import pytest

from caas_core.errors import ConfigError
from caas_core.policies import load_policies, matrix_rows, worst_case_give_up_s


def test_defaults_are_the_specification_matrix():
    p = load_policies()
    assert (p.ota_activation.timeout_s, p.ota_activation.max_retries, p.ota_activation.backoff) == (
        60,
        5,
        "fixed",
    )
    assert (p.ota_activation.wait_s, p.ota_activation.ack_timeout_s) == (30, 10)
    assert (p.factory_order.timeout_s, p.factory_order.max_retries) == (30, 0)
    assert (p.vss_query.timeout_s, p.vss_query.max_retries, p.vss_query.backoff) == (5, 3, "exponential")
    assert (p.vss_query.wait_s, p.vss_query.multiplier, p.vss_query.max_wait_s) == (5, 2, 20)
    assert p.vss_query.cache_ttl_s == 3600
    assert (p.payment.timeout_s, p.payment.max_retries, p.payment.wait_s) == (30, 1, 0)
    assert (p.admin_registration.timeout_s, p.admin_registration.max_retries) == (60, 2)
    assert p.admin_registration.wait_s == 10
    assert (p.webhook_receipt.max_age_s, p.webhook_receipt.rate_limit_per_minute) == (300, 100)
    thresholds = {name: (b.enabled, b.failure_threshold, b.sliding_window_s) for name, b in p.breakers}
    assert thresholds == {
        "factory": (True, 5, 60),
        "vss": (True, 10, 60),
        "iot": (True, 5, 60),
        "payment": (False, 5, 60),
        "admin": (False, 5, 60),
    }
    assert all(b.open_duration_s == 60 and b.half_open_permitted_calls == 1 for _, b in p.breakers)


def test_derived_columns():
    rows = matrix_rows(load_policies())
    derived = {
        name: (row["attempts"], row["worst_case_give_up_s"], row["max_amplification"])
        for name, row in rows.items()
    }
    assert derived == {
        "ota_activation": (6, 6 * 60 + 5 * 30, 6),
        "factory_order": (1, 30, 1),
        "vss_query": (4, 4 * 5 + 5 + 10 + 20, 4),
        "payment": (2, 60, 2),
        "admin_registration": (3, 3 * 60 + 2 * 10, 3),
        "webhook_receipt": (None, None, None),
    }
    assert rows["vss_query"]["delays_s"] == [5, 10, 20]
    assert rows["vss_query"]["backoff_summary"] == "exponential 5s, 10s, 20s"
    assert rows["payment"]["backoff_summary"] == "immediate"


def test_user_file_overrides_only_what_it_sets(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        "[ota_activation]\nmax_retries = 2\njitter = 'full'\n\n[breakers.iot]\nfailure_threshold = 8\n"
    )
    p = load_policies(path)
    assert (p.ota_activation.max_retries, p.ota_activation.jitter, p.ota_activation.timeout_s) == (
        2,
        "full",
        60,
    )
    assert (p.breakers.iot.failure_threshold, p.breakers.iot.sliding_window_s) == (8, 60)
    assert p.vss_query == load_policies().vss_query
    assert worst_case_give_up_s(p.ota_activation) == 3 * 60 + 2 * 30


def test_overrides_apply_after_the_file(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text("[payment]\nmax_retries = 3\n")
    p = load_policies(path, {"payment": {"max_retries": 0}})
    assert p.payment.max_retries == 0


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[ota_activation]\nmax_retries = 51\n",
            "mine.toml: ota_activation.max_retries = 51 is out of range; allowed: >= 0 and <= 50",
        ),
        (
            "[vss_query]\ntimeout_s = 0\n",
            "mine.toml: vss_query.timeout_s = 0 is out of range; allowed: > 0 and <= 86400",
        ),
        (
            "[ota_activation]\nbackoff = 'linear'\n",
            "mine.toml: ota_activation.backoff = 'linear' is not allowed; allowed: 'fixed', 'exponential' or 'list'",
        ),
        (
            "[ota_activation]\nmax_retry = 3\n",
            "mine.toml: unknown key ota_activation.max_retry; did you mean 'max_retries'?",
        ),
        ("[breakers]\niot = 3\n", "mine.toml: breakers.iot = 3: should be a mapping of keys to values"),
        ("[vss_query]\ndelays_s = 5\n", "mine.toml: vss_query.delays_s = 5: should be a list"),
        (
            "[ota_activation]\njitter = true\n",
            "mine.toml: ota_activation.jitter = true is not allowed; allowed: 'none', 'full', 'equal' or 'decorrelated'",
        ),
        (
            "[payment]\nbackoff = 'list'\n",
            "mine.toml: payment: backoff 'list' needs a non-empty delays_s",
        ),
        (
            "[payment\n",
            "mine.toml: not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 9)",
        ),
    ],
)
def test_bad_values_give_one_line_naming_the_key(tmp_path, toml, message):
    path = tmp_path / "mine.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as caught:
        load_policies(path)
    assert str(caught.value).replace(str(tmp_path) + "/", "") == message
    assert "\n" not in str(caught.value)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(
        ConfigError, match=r"nope.toml: cannot read the policy file \(No such file or directory\)"
    ):
        load_policies(tmp_path / "nope.toml")
