"""A Pact Broker stand-in on loopback: the few HAL resources the Rust verifier walks to fetch one
provider's pacts and to publish its results, and a record of every request it got.

Not a broker: no selectors, no versions kept, one pact file per provider. It answers what the verifier
asks for when it fetches pacts for verification, records the provider branch and version, and takes
the verification results.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Received:
    method: str
    path: str
    authorization: str | None
    body: Any = None


@dataclass
class BrokerStub:
    url: str
    requests: list[Received] = field(default_factory=list)

    def results(self) -> list[dict[str, Any]]:
        """The bodies of the verification results published."""
        return [r.body for r in self.requests if r.path.endswith("/verification-results")]


@contextmanager
def broker_serving(provider: str, pact: Path) -> Iterator[BrokerStub]:
    """Serve `pact` as `provider`'s only pact while the block runs."""
    content = json.loads(pact.read_text(encoding="utf-8"))
    stub = BrokerStub("")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._record(None)
            base = f"http://{self.headers['Host']}"
            provider_path = f"/pacticipants/{provider}"
            resources: dict[str, dict[str, Any]] = {
                "/": _links(
                    **{
                        "pb:provider-pacts-for-verification": {
                            "href": f"{base}/pacts/provider/{{provider}}/for-verification",
                            "templated": True,
                        }
                    }
                ),
                f"/pacts/provider/{provider}/for-verification": _links(self={"href": base + self.path}),
                "/pacts/1": {
                    **content,
                    **_links(
                        self={"href": f"{base}/pacts/1"},
                        **{
                            "pb:publish-verification-results": {
                                "href": f"{base}/pacts/1/verification-results"
                            },
                            "pb:provider": {"href": base + provider_path},
                        },
                    ),
                },
                provider_path: _links(
                    **{
                        "pb:branch-version": {
                            "href": f"{base}{provider_path}/branches/{{branch}}/versions/{{version}}",
                            "templated": True,
                        }
                    }
                ),
            }
            if self.path in resources:
                self._answer(200, resources[self.path])
            else:
                self._answer(404, {})

        def do_POST(self) -> None:
            self._record(self._body())
            base = f"http://{self.headers['Host']}"
            if self.path.endswith("/for-verification"):
                pact = {
                    "shortDescription": "the committed pact",
                    "verificationProperties": {"pending": False, "notices": []},
                    "_links": {"self": {"href": f"{base}/pacts/1", "name": "caas-core"}},
                }
                self._answer(200, {"_embedded": {"pacts": [pact]}})
            else:
                self._answer(201, {})

        def do_PUT(self) -> None:
            self._record(self._body())
            self._answer(201, {})

        def _body(self) -> Any:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            return json.loads(raw) if raw else None

        def _record(self, body: Any) -> None:
            stub.requests.append(Received(self.command, self.path, self.headers.get("Authorization"), body))

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/hal+json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass  # the test reads `stub.requests`, not stderr

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _links(**links: Any) -> dict[str, Any]:
    return {"_links": links}
