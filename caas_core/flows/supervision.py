"""Nothing dies silently. A flow that meets an error no rule of its own expects (a KeyError, a constraint
the store refuses, "database is locked") is logged with its entity, and the entity gets an operations
alert naming the error. It keeps the step it owes, so a restarted core tries it again; the alert is raised
once while it stays open."""

from __future__ import annotations

import logging
from typing import Any

from caas_core.effects import NOW, Flow
from caas_core.flows.dependencies import Dependencies

log = logging.getLogger("caas_core.flows")


def supervised(deps: Dependencies, entity: str, flow: Flow[Any]) -> Flow[None]:
    try:
        yield from flow
    except Exception as error:  # every error a rule expects is caught inside the flow
        failure = f"{type(error).__name__}: {error}"
        log.error(
            "the flow of %s failed: %s",
            entity,
            failure,
            exc_info=error,
            extra={"fields": {"entity": entity, "error": failure}},
        )
        now = yield NOW
        deps.telemetry.record(now, "flow_failed", entity, error=failure)
        try:
            with deps.records.transaction():
                deps.operations.alert_once("ops", entity, f"its flow failed unexpectedly: {failure}", now)
        except Exception:  # the store itself refuses: the log line is all that can be left
            log.exception("could not raise the alert for %s", entity)


def start(deps: Dependencies, entity: str, flow: Flow[Any]) -> None:
    """Run `flow` on its own, supervised, on behalf of `entity` ("order:ord_000001")."""
    deps.spawn(supervised(deps, entity, flow))
