"""A verification's results as the files a CI job reads: JUnit XML and JSON.

Rules:
1. One testsuite per provider, one testcase per interaction: classname `<provider>.<consumer>`, name the
   interaction's description. A failure's message is its first mismatch (a wrong status first); its text
   is every line the terminal shows for it.
2. A pending interaction that fails is `<skipped>`: reported, but not yet binding, so it fails no build.
3. A verification that could not run is written too, as one testcase in error: a CI job must never read
   an earlier run's file as this run's result.
4. Each file is written whole or not at all (a temporary file, then a rename). Neither carries a
   credential: the report was redacted before it got here.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from caas_core.errors import ConfigError
from contracts.results import InteractionResult, Report, failure_lines, summary

SUITES_NAME = "caas-sandbox contracts"


def junit_tree(report: Report) -> ET.ElementTree:
    """The report as JUnit XML (rules 1 and 2)."""
    failed = sum(r.counts for r in report.results)
    skipped = sum(not r.passed and r.pending for r in report.results)
    counts = {
        "tests": str(len(report.results)),
        "failures": str(failed),
        "errors": "0",
        "skipped": str(skipped),
    }
    root = ET.Element("testsuites", name=SUITES_NAME, **counts)
    suite = ET.SubElement(root, "testsuite", name=report.provider, **counts)
    properties = ET.SubElement(suite, "properties")
    for name, value in _properties(report).items():
        ET.SubElement(properties, "property", name=name, value=value)
    for result in report.results:
        case = ET.SubElement(
            suite, "testcase", classname=f"{report.provider}.{result.consumer}", name=result.description
        )
        if result.passed:
            continue
        text = "\n".join(failure_lines(report, result))
        message = _first_reason(result)
        if result.pending:
            ET.SubElement(case, "skipped", message=f"pending, not binding yet: {message}").text = text
        else:
            kind = result.mismatches[0].kind if result.mismatches else "failure"
            ET.SubElement(case, "failure", message=message, type=kind).text = text
    ET.indent(root)
    return ET.ElementTree(root)


def error_tree(provider: str, message: str) -> ET.ElementTree:
    """A verification that could not run, as one testcase in error (rule 3)."""
    root = ET.Element("testsuites", name=SUITES_NAME, tests="1", failures="0", errors="1", skipped="0")
    suite = ET.SubElement(root, "testsuite", name=provider, tests="1", failures="0", errors="1", skipped="0")
    case = ET.SubElement(suite, "testcase", classname=provider, name="verification")
    ET.SubElement(case, "error", message=message, type="error").text = message
    ET.indent(root)
    return ET.ElementTree(root)


def document(report: Report) -> dict[str, Any]:
    """The report as one JSON object: the verdict, the counts, and every interaction's result."""
    return {
        "provider": report.provider,
        "target": report.target,
        "sources": list(report.sources),
        "passed": report.ok,
        "summary": summary(report),
        "counts": {
            "interactions": len(report.results),
            "passed": sum(r.passed for r in report.results),
            "failed": sum(r.counts for r in report.results),
            "pendingFailed": sum(not r.passed and r.pending for r in report.results),
        },
        "statesSkipped": report.states_skipped,
        "unpublished": report.unpublished,
        "notes": list(report.notes),
        "interactions": [_interaction(report, r) for r in report.results],
    }


def error_document(provider: str, target: str, message: str) -> dict[str, Any]:
    return {"provider": provider, "target": target, "passed": False, "error": message, "interactions": []}


def write_results(report: Report, junit: Path | None = None, json_file: Path | None = None) -> None:
    if junit is not None:
        _write(junit, "--junit", _xml(junit_tree(report)))
    if json_file is not None:
        _write(json_file, "--json", json.dumps(document(report), indent=2, ensure_ascii=False) + "\n")


def write_error(
    provider: str, target: str, message: str, junit: Path | None = None, json_file: Path | None = None
) -> None:
    if junit is not None:
        _write(junit, "--junit", _xml(error_tree(provider, message)))
    if json_file is not None:
        text = json.dumps(error_document(provider, target, message), indent=2, ensure_ascii=False)
        _write(json_file, "--json", text + "\n")


def check_writable(path: Path, option: str) -> None:
    """Fail before the verification, not after it, when `path` cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"{option} {path}: cannot create its folder ({error.strerror})") from None
    if path.is_dir():
        raise ConfigError(f"{option} {path}: is a folder; give a file name")


def _properties(report: Report) -> dict[str, str]:
    properties = {
        "provider": report.provider,
        "target": report.target,
        "pacts": "; ".join(report.sources),
        "providerStates": "skipped: no --state-url" if report.states_skipped else "set up",
    }
    if report.unpublished:
        properties["unpublished"] = report.unpublished
    return properties


def _first_reason(result: InteractionResult) -> str:
    if not result.mismatches:
        return "failed"
    first = result.mismatches[0]
    return f"{first.where}: {first.message}"


def _interaction(report: Report, result: InteractionResult) -> dict[str, Any]:
    interaction = report.interaction(result)
    return {
        "consumer": result.consumer,
        "description": result.description,
        "request": interaction.summary if interaction is not None else None,
        "states": list(result.states),
        "passed": result.passed,
        "pending": result.pending,
        "mismatches": [
            {
                "kind": m.kind,
                "where": m.where,
                "message": m.message,
                "expected": m.expected,
                "actual": m.actual,
            }
            for m in result.mismatches
        ],
    }


def _xml(tree: ET.ElementTree) -> str:
    return ET.tostring(tree.getroot(), encoding="unicode", xml_declaration=True) + "\n"


def _write(path: Path, option: str, text: str) -> None:
    spare = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        spare.write_text(text, encoding="utf-8")
        os.replace(spare, path)
    except OSError as error:
        spare.unlink(missing_ok=True)
        raise ConfigError(f"{option} {path}: cannot write it ({error.strerror})") from None
