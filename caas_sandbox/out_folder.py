"""Report folders: each run of a command writes into a folder of its own, so no report mixes two runs.

Rules:
1. A folder named with --out belongs to the run: made when missing, used when empty, emptied when an
   earlier run of caas-sandbox wrote it (it holds MARKER), and refused when it holds anything else, so
   no file of the user's is ever deleted.
2. Without --out, `scenario run` makes a fresh folder under its default parent, named by the local time
   it started (`20260101-093000`, `-2` appended on a clash), and points the parent's `latest` link at it
   once every report is written: `latest` is always the newest complete report.
3. Folders are never deleted wholesale: old runs stay until their owner removes them (`make clean`).
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

from caas_core.errors import ConfigError

MARKER = ".caas-sandbox-report"
LATEST = "latest"
_MARKER_TEXT = "Written by caas-sandbox: the next run into this folder empties it first.\n"


def own_folder(folder: Path, option: str = "--out") -> Path:
    """`folder`, made or emptied for one run (rule 1); a folder that cannot be used is one ConfigError."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"{option} {folder}: cannot create the folder ({error.strerror})") from None
    try:
        entries = list(folder.iterdir())
        if entries and not (folder / MARKER).is_file():
            raise ConfigError(
                f"{option} {folder}: the folder holds files caas-sandbox did not write; "
                "give a new or empty folder (a run empties its own folder, never anyone else's)"
            )
        for entry in entries:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        (folder / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{option} {folder}: cannot empty the folder ({error.strerror})") from None
    return folder


def fresh_folder(parent: Path, now: datetime | None = None) -> Path:
    """A new folder under `parent`, named by the time (rule 2), and owned by this run."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for attempt in range(1, 1000):
            folder = parent / (stamp if attempt == 1 else f"{stamp}-{attempt}")
            try:
                folder.mkdir()
            except FileExistsError:
                continue
            return own_folder(folder)
    except OSError as error:
        raise ConfigError(f"{parent}: cannot create a report folder ({error.strerror})") from None
    raise ConfigError(f"{parent}: a thousand runs started in {stamp}; remove some folders")


def point_latest(folder: Path) -> Path | None:
    """Point `latest` beside `folder` at it, replacing the old link in one step; None where the file
    system cannot link (the newest folder is then the last by name)."""
    link = folder.parent / LATEST
    spare = folder.parent / f".{LATEST}-{os.getpid()}"
    try:
        spare.unlink(missing_ok=True)
        spare.symlink_to(folder.name, target_is_directory=True)  # relative: the parent may move
        os.replace(spare, link)
    except OSError:
        spare.unlink(missing_ok=True)
        return None
    return link
