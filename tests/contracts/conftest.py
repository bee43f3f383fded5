"""Shared by the contract tests: Pact's usage tracking is off, so nothing leaves the machine."""

from __future__ import annotations

import os

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
