"""Report folders: a run's own folder is made or emptied, anyone else's refused; `latest` is the newest."""

from __future__ import annotations

from datetime import datetime

import pytest

from caas_core.errors import ConfigError
from caas_sandbox.out_folder import MARKER, fresh_folder, own_folder, point_latest

NOON = datetime(2026, 1, 2, 12, 0, 0)


def test_a_missing_or_empty_folder_becomes_the_runs(tmp_path):
    assert own_folder(tmp_path / "new" / "deep") == tmp_path / "new" / "deep"
    assert [p.name for p in (tmp_path / "new" / "deep").iterdir()] == [MARKER]
    (tmp_path / "empty").mkdir()
    own_folder(tmp_path / "empty")
    assert (tmp_path / "empty" / MARKER).is_file()


def test_a_folder_an_earlier_run_wrote_is_emptied(tmp_path):
    folder = own_folder(tmp_path / "out")
    (folder / "old-r0.json").write_text("{}")
    (folder / "plots").mkdir()
    (folder / "plots" / "old.png").write_bytes(b"png")
    (folder / "elsewhere").symlink_to(tmp_path)  # a link is removed, never followed
    own_folder(folder)
    assert [p.name for p in folder.iterdir()] == [MARKER]
    assert tmp_path.is_dir()


def test_a_folder_holding_someone_elses_files_is_refused_untouched(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError) as refused:
        own_folder(tmp_path)
    assert str(refused.value) == (
        f"--out {tmp_path}: the folder holds files caas-sandbox did not write; give a new or empty "
        "folder (a run empties its own folder, never anyone else's)"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_fresh_folders_are_named_by_time_and_never_reused(tmp_path):
    first, second = fresh_folder(tmp_path, NOON), fresh_folder(tmp_path, NOON)
    assert (first.name, second.name) == ("20260102-120000", "20260102-120000-2")
    assert (second / MARKER).is_file()


def test_latest_points_at_the_newest_folder(tmp_path):
    first = fresh_folder(tmp_path, NOON)
    assert point_latest(first) == tmp_path / "latest"
    second = fresh_folder(tmp_path, datetime(2026, 1, 2, 12, 0, 1))
    point_latest(second)
    assert (tmp_path / "latest").resolve() == second.resolve()
    assert str((tmp_path / "latest").readlink()) == "20260102-120001"  # relative: the parent may move
    assert sorted(p.name for p in tmp_path.iterdir()) == ["20260102-120000", "20260102-120001", "latest"]
