"""The partners' control APIs, as the console reads and changes them: journals, webhook deliveries, faults.
A partner that does not answer is a `PartnerUnreachable`, told in one line, never a traceback."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

WEBHOOK_SENDERS = ("factory", "payment")


class PartnerUnreachable(Exception):
    def __init__(self, system: str, url: str) -> None:
        super().__init__(f"the {system} simulator does not answer at {url}")
        self.system = system


class Partners:
    def __init__(self, urls: Mapping[str, str], timeout_s: float = 10.0) -> None:
        """`urls`: where each partner system is served, by the name the core calls it ("admin-es" ...)."""
        self.urls = dict(urls)
        self._http = httpx.Client(timeout=timeout_s)

    @property
    def systems(self) -> list[str]:
        return list(self.urls)

    def journal(self, system: str, trace_id: str) -> list[dict[str, Any]]:
        return self._get(system, "/__sandbox/journal", {"trace_id": trace_id})["entries"]

    def deliveries(self, system: str, trace_id: str) -> list[dict[str, Any]]:
        """The webhooks `system` sent for a trace (the senders only)."""
        return self._get(system, "/__sandbox/webhooks", {"trace_id": trace_id})["deliveries"]

    def faults(self, system: str) -> list[dict[str, Any]]:
        return self._get(system, "/__sandbox/faults")["faults"]

    def add_fault(self, system: str, fault: Any) -> tuple[int, Any]:
        """The partner's answer to a fault: (status, body), a 422 naming what is wrong included."""
        answer = self._send("POST", system, "/__sandbox/faults", fault)
        return answer.status_code, answer.json()

    def remove_fault(self, system: str, fault_id: str) -> int:
        return self._send("DELETE", system, f"/__sandbox/faults/{fault_id}").status_code

    def clear_faults(self, system: str) -> int:
        return self._send("DELETE", system, "/__sandbox/faults").status_code

    def _get(self, system: str, path: str, query: dict[str, str] | None = None) -> Any:
        answer = self._send("GET", system, path, params=query)
        answer.raise_for_status()
        return answer.json()

    def _send(
        self, method: str, system: str, path: str, body: Any = None, params: dict[str, str] | None = None
    ) -> httpx.Response:
        url = self.urls[system]
        try:
            return self._http.request(method, url + path, json=body, params=params)
        except httpx.HTTPError:
            raise PartnerUnreachable(system, url) from None

    def close(self) -> None:
        self._http.close()
