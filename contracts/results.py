"""A verification's outcome per interaction, read from the Pact verifier's JSON results, and its text form.

The text answers a partner's two questions for each failed interaction: what the contract expected,
and what their server sent back. A pending interaction that fails is shown, but does not fail the run:
its contract is not yet binding (Pact's "pending" semantics).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from contracts.catalogue import Interaction

MAX_VALUE = 160  # characters of an expected or actual value shown on one line
# How the Rust verifier logs a refused state change; its JSON results only say that one failed.
_ORDER = {"StatusMismatch": 0, "HeaderMismatch": 1, "BodyTypeMismatch": 2, "BodyMismatch": 3}
_STATE_FAILURE = re.compile(r"Provider (setup|teardown) state change for '(.*)' has failed - (.*)$")


@dataclass(frozen=True, slots=True)
class Mismatch:
    kind: str  # StatusMismatch, HeaderMismatch, BodyMismatch, MetadataMismatch, error, ...
    where: str  # "status", "header Content-Type", "body $.vin", ...
    message: str
    expected: str | None = None
    actual: str | None = None


@dataclass(frozen=True, slots=True)
class InteractionResult:
    consumer: str
    description: str
    states: tuple[str, ...]
    passed: bool
    pending: bool
    mismatches: tuple[Mismatch, ...] = ()

    @property
    def counts(self) -> bool:
        """Whether a failure of this interaction fails the run."""
        return not self.passed and not self.pending


@dataclass(frozen=True, slots=True)
class Report:
    provider: str
    target: str  # the base URL, or "message producer"
    sources: tuple[str, ...]
    results: tuple[InteractionResult, ...]
    notes: tuple[str, ...] = ()
    log: str = ""  # the verifier's own console output, for debugging
    interactions: tuple[Interaction, ...] = ()  # the contracts' interactions verified (none from a broker)
    states_skipped: int = 0  # interactions whose provider states were not set up: no state-change URL
    unpublished: str | None = None  # why results asked to be published were not

    @property
    def ok(self) -> bool:
        return bool(self.results) and not any(r.counts for r in self.results)

    def failed(self) -> list[InteractionResult]:
        return [r for r in self.results if not r.passed]

    def interaction(self, result: InteractionResult) -> Interaction | None:
        """The contract's interaction behind `result`; None for pacts from a broker."""
        key = (result.consumer, result.description)
        return next((i for i in self.interactions if (i.consumer, i.description) == key), None)


def read_results(results: dict[str, Any], log: str = "") -> list[InteractionResult]:
    """One InteractionResult per entry of the verifier's `interactionResults`; `log`, the verifier's
    console output, tells why a state change failed."""
    refused = _refused_states(log)
    read = []
    for entry in results.get("interactionResults", []):
        mismatch = entry.get("mismatch") or {}
        if mismatch.get("type") == "error" and "state change" in str(mismatch.get("message", "")):
            reasons = [
                f"{name!r}: {refused[name]}" for name in entry.get("providerStates", []) if name in refused
            ]
            mismatch = {**mismatch, "reasons": reasons}
        read.append(
            InteractionResult(
                consumer=str(entry.get("consumer", "")),
                description=str(entry.get("description", "")),
                states=tuple(str(s) for s in entry.get("providerStates", [])),
                passed=str(entry.get("result", "")).upper() == "OK",
                pending=bool(entry.get("pending", False)),
                mismatches=tuple(_mismatches(mismatch)),
            )
        )
    return read


def render(report: Report) -> str:
    """The report as text: one line per interaction, then what was expected and what came back."""
    lines = [f"Verifying {report.provider} at {report.target}", *(f"  pacts: {s}" for s in report.sources)]
    lines += [f"  note: {note}" for note in report.notes]
    lines.append("")
    for result in report.results:
        lines.append(f"{verdict(result):<5} {result.description}  [{result.consumer}]")
        lines += [f"      {line}" for line in failure_lines(report, result)]
    lines += ["", summary(report)]
    return "\n".join(lines)


def verdict(result: InteractionResult) -> str:
    return "PASS" if result.passed else ("FAIL (pending)" if result.pending else "FAIL")


def failure_lines(report: Report, result: InteractionResult) -> list[str]:
    """Why an interaction failed: its request, its provider states (and whether they were set up), then
    each mismatch with what was expected and what came back. Nothing for one that passed."""
    if result.passed:
        return []
    lines = []
    interaction = report.interaction(result)
    if interaction is not None:
        lines.append(interaction.summary)
        lines += [f"given {_given(s.name, s.params)}" for s in interaction.states]
    else:
        lines += [f"given {state}" for state in result.states]
    if result.states and report.states_skipped:
        lines.append("provider state not set up: no --state-url")
    for mismatch in result.mismatches:
        lines.append(f"{mismatch.where}: {mismatch.message}")
        if mismatch.expected is not None or mismatch.actual is not None:
            lines.append(f"  expected {_short(mismatch.expected)}")
            lines.append(f"  got      {_short(mismatch.actual)}")
    return lines


def summary(report: Report) -> str:
    passed = sum(r.passed for r in report.results)
    failed = sum(r.counts for r in report.results)
    pending = sum(not r.passed and r.pending for r in report.results)
    text = f"{report.provider}: {passed} passed, {failed} failed"
    if pending:
        text += f", {pending} pending failed (not binding yet)"
    if not report.results:
        text += " (no interactions were verified)"
    return text


def _mismatches(mismatch: dict[str, Any]) -> list[Mismatch]:
    if mismatch.get("type") == "error":
        message = str(mismatch.get("message", "verification error"))
        if "reasons" in mismatch:
            why = "; ".join(mismatch["reasons"]) or "see the provider-state catalogue"
            message += f" (the state-change URL refused {why})"
        return [Mismatch("error", "error", message)]
    found = []
    for item in mismatch.get("mismatches", []):
        kind = str(item.get("type", "Mismatch"))
        where = {
            "StatusMismatch": "status",
            "HeaderMismatch": f"header {item.get('key', '')}",
            "MetadataMismatch": f"metadata {item.get('key', '')}",
            "BodyMismatch": f"body {item.get('path', '$')}",
            "BodyTypeMismatch": "body content type",
        }.get(kind, kind)
        message = str(item.get("mismatch", kind))
        expected, actual = _value(item.get("expected")), _value(item.get("actual"))
        if kind == "StatusMismatch":
            message, expected, actual = f"expected {expected}, got {actual}", None, None
        found.append(Mismatch(kind, where, message, expected, actual))
    # The status first: a wrong one explains the header and body mismatches that follow from it. Then by
    # place, since the verifier reports the mismatches of one body in no fixed order.
    return sorted(found, key=lambda m: (_ORDER.get(m.kind, len(_ORDER)), m.where))


def _refused_states(log: str) -> dict[str, str]:
    refused = {}
    for line in log.splitlines():
        found = _STATE_FAILURE.search(line.strip())
        if found:
            reason = found.group(3)
            quoted = re.search(
                r'Error\("([^"]*)"', reason
            )  # MismatchResult::Error("Invalid status code: 404", None)
            refused[found.group(2)] = quoted.group(1) if quoted else reason
    return refused


def _value(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def _short(value: str | None) -> str:
    if value is None:
        return "(nothing)"
    return value if len(value) <= MAX_VALUE else value[: MAX_VALUE - 3] + "..."


def _given(name: str, params: dict[str, Any]) -> str:
    try:
        return name.format(**params)
    except (KeyError, IndexError, ValueError):
        return name
