"""The command line as a user runs it: real processes, real exit codes, one line per user error."""

from __future__ import annotations

import json

import pytest

from tests.helpers.cli import run_cli


def test_policy_show_prints_the_matrix_with_derived_columns():
    result = run_cli("policy", "show")
    assert result.returncode == 0, result.stderr
    matrix, breakers = result.stdout.split("Circuit breakers")

    def rows(table: str) -> list[list[str]]:
        """Each row's first line, cell by cell (a long "on failure" text wraps onto the next lines)."""
        cells = [[c.strip() for c in line.split("│")[1:-1]] for line in table.splitlines() if "│" in line]
        return [row for row in cells if row[0]]

    # integration, timeout, max retries, attempts, backoff, gives up after, max amplification
    assert [row[:5] + row[6:] for row in rows(matrix)] == [
        ["ota_activation", "60s", "5", "6", "fixed 30s", "510s", "6"],
        ["factory_order", "30s", "0", "1", "none", "30s", "1"],
        ["vss_query", "5s", "3", "4", "exponential 5s, 10s, 20s", "55s", "4"],
        ["payment", "30s", "1", "2", "immediate", "60s", "2"],
        ["admin_registration", "60s", "2", "3", "fixed 10s", "200s", "3"],
        ["webhook_receipt", "-", "-", "-", "n/a (incoming)", "-", "-"],
    ]
    assert rows(breakers) == [
        ["factory", "on", "5 failures in 60s", "60s", "1", "30s"],
        ["vss", "on", "10 failures in 60s", "60s", "1", "5s"],
        ["iot", "on", "5 failures in 60s", "60s", "1", "60s"],
        ["payment", "off", "-", "-", "-", "-"],
        ["admin", "off", "-", "-", "-", "-"],
    ]


def test_policy_show_json_is_one_object_keyed_by_integration(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text("[ota_activation]\nmax_retries = 2\n")
    result = run_cli("policy", "show", "--json", "--policies", str(mine))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    ota = data["ota_activation"]
    assert (ota["timeout_s"], ota["max_retries"], ota["attempts"]) == (60, 2, 3)
    assert (ota["worst_case_give_up_s"], ota["max_amplification"]) == (240, 3)
    assert data["vss_query"]["worst_case_give_up_s"] == 55
    assert data["breakers"]["vss"]["failure_threshold"] == 10


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (
            "[payment]\nmax_retries = -1\n",
            "payment.max_retries = -1 is out of range; allowed: >= 0 and <= 50",
        ),
        ("[vss_query]\ncache_ttl = 10\n", "unknown key vss_query.cache_ttl; did you mean 'cache_ttl_s'?"),
    ],
)
def test_a_bad_policy_file_is_one_line_without_a_traceback(tmp_path, content, line):
    bad = tmp_path / "bad.toml"
    bad.write_text(content)
    result = run_cli("policy", "show", "--policies", str(bad))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: {bad}: {line}\n"


def test_a_missing_policy_file_is_one_line():
    result = run_cli("policy", "show", "--policies", "/nonexistent/policies.toml")
    assert result.returncode == 1
    assert result.stdout == ""
    assert (
        result.stderr
        == "Error: /nonexistent/policies.toml: cannot read the policy file (No such file or directory)\n"
    )


def test_demo_runs_the_vss_slice_on_both_transports():
    result = run_cli("demo", "--seed", "42")
    assert result.returncode == 0, result.stderr
    assert "fast and wire give the same outcome for every check: yes" in result.stdout
    assert "two runs with seed 42 give byte-identical records: yes" in result.stdout


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("--bogus",), "Error: No such option '--bogus'. (see 'caas-sandbox --help')"),
        (("bogus",), "Error: No such command 'bogus'. (see 'caas-sandbox --help')"),
        (
            ("scenario", "run", "normal-day", "--replications", "0"),
            "Error: Invalid value for '--replications': 0 is not in the range 1<=x<=1000. "
            "(see 'caas-sandbox scenario run --help')",
        ),
        (
            ("policy", "compare"),
            "Error: Missing argument 'BASE'. (see 'caas-sandbox policy compare --help')",
        ),
    ],
)
def test_a_usage_mistake_is_one_line_pointing_at_the_help(args, line):
    result = run_cli(*args)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", line + "\n")
