"""Policy files and swept values as the lab reads them: typed TOML, one line for each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from caas_core.errors import ConfigError
from caas_sandbox.policy_cmd import _labels
from scenarios.lab.jobs import Job, PolicySet, check, overrides_from_dotted
from scenarios.lab.sweep import parse_param
from tests.lab.test_cli import run


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        # TOML is typed: a boolean or a string where a number goes is a mistake, not 1 retry or 60 s.
        ("[ota_activation]\nmax_retries = true\n", "ota_activation.max_retries = true: Input should be a valid integer"),
        ("[ota_activation]\ntimeout_s = \"60\"\n", "ota_activation.timeout_s = '60': Input should be a valid number"),
        ("[ota_activation]\ntimeout_s = true\n", "ota_activation.timeout_s = true: Input should be a valid number"),
        ("[breakers.iot]\nenabled = \"yes\"\n", "breakers.iot.enabled = 'yes': Input should be a valid boolean"),
        ("[ota_activation]\nbackoff = \"list\"\ndelays_s = [\"5\"]\n", "ota_activation.delays_s.0 = '5': Input should be a valid number"),
        ("[ota_activation]\ntimeout_s = -5\n", "ota_activation.timeout_s = -5 is out of range; allowed: > 0 and <= 86400"),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_type_is_one_line(tmp_path, toml, message):
    path = tmp_path / "mine.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        PolicySet.from_file(path)
    assert str(caught.value) == f"{path}: {message}"


def test_an_integer_still_gives_seconds(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        "[ota_activation]\ntimeout_s = 45\n[breakers.iot]\nsliding_window_s = 30.5\n", encoding="utf-8"
    )
    data = PolicySet.from_file(path).data
    assert data["ota_activation"]["timeout_s"] == 45.0
    assert data["breakers"]["iot"]["sliding_window_s"] == 30.5


def test_a_file_that_is_not_text_is_one_line(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_bytes(b"\xff\xfe[ota_activation]\n")
    with pytest.raises(ConfigError) as caught:
        PolicySet.from_file(path)
    assert str(caught.value) == f"{path}: cannot read the policy file (not UTF-8 text)"


def test_a_swept_word_is_not_read_as_a_switch(flaky):
    param = parse_param("breakers.iot.enabled=yes")
    job = Job(flaky, PolicySet.from_file(None), 0, None, overrides_from_dotted({param.key: param.values[0]}))
    with pytest.raises(ConfigError) as caught:
        check(job, where="--param breakers.iot.enabled=yes")
    assert str(caught.value) == (
        "--param breakers.iot.enabled=yes: breakers.iot.enabled = 'yes': Input should be a valid boolean"
    )


def test_two_files_with_one_stem_are_labelled_by_their_paths():
    assert _labels(Path("base.toml"), Path("study/ota.toml")) == ("base", "ota")
    assert _labels(Path("a/ota.toml"), Path("b/ota.toml")) == ("a/ota.toml", "b/ota.toml")


def test_an_out_folder_that_cannot_be_made_fails_before_any_run(tmp_path, policy_files):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    base, candidate = policy_files
    result = run(
        "compare", str(base), str(candidate), "--scenario", "flaky-iot",
        "--replications", "2", "--workers", "1", "--out", str(blocker / "report"),
    )  # fmt: skip
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"Error: --out {blocker / 'report'}: cannot create the folder (Not a directory)"
    )


def test_an_integer_parameter_is_plotted_on_whole_ticks(flaky, monkeypatch):
    from scenarios.lab import plots
    from scenarios.lab.jobs import JobResult
    from scenarios.lab.outcomes import OUTCOMES
    from scenarios.lab.sweep import grid, summarise

    params = [parse_param("ota_activation.max_retries=0..2")]
    points = grid(params)
    results = [
        JobResult({o.metric: float(i + k) for o in OUTCOMES}, True, 11 + k, 0.0)
        for i in range(len(points))
        for k in range(2)
    ]
    sweep = summarise(flaky, PolicySet.from_file(None), params, points, 2, results)
    monkeypatch.setattr(plots, "png", lambda figure: figure)  # keep the figure to read its axes
    figure = plots.parameter_figure(sweep, params[0])
    axis = figure.axes[0]
    low, high = axis.get_xlim()
    assert [t for t in axis.get_xticks() if low <= t <= high] == [0, 1, 2]
