"""What the fast transport's licence could buy at most (figures in bench/README.md).

    .venv/bin/python bench/upper_bound.py [--hours 1.5] [--rounds 4]

A slice of the fleet day run as it is, and run with the work the issue lets the fast transport skip
replaced by nothing at all, alternately, `--rounds` times each. Replaced, not skipped soundly: the IoT
signature and its check (only the key id is still compared), the JSON behind the simulators' idempotency
fingerprints, and the store's BEGIN and COMMIT around every state change. No run should ever skip them so;
this only measures how much of a run they are, an upper bound on what skipping them properly would save.
The two runs must process the same number of events, or the stubs changed what the run did.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from bench_fleet_day import FLEET_DAY  # this folder is the script's own, first on sys.path

from runtimes.simulated import few_collections
from scenarios.runner import run


def stub_the_byte_work() -> None:
    import caas_core.adapters.iot as iot_adapter
    import caas_core.store.sqlite as store
    import simulators.iot.model as iot_model
    import simulators.iot.routes as iot_routes
    import simulators.payment.routes as payment_routes
    from caas_core.signing import KEY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER

    def unsigned(key_id: str, _psk: str, timestamp: int, *_: object) -> dict[str, str]:
        return {KEY_ID_HEADER: key_id, TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: "0" * 64}

    def key_only(model: iot_model.IotModel, key_id: str | None, *_: object) -> str | None:
        return None if key_id == model.config.key_id else "unknown key id"

    iot_adapter.iot_headers = unsigned
    iot_adapter.canonical_json = lambda _body: b""
    iot_model.IotModel._auth_failure = key_only
    iot_routes.fingerprint = payment_routes.fingerprint = lambda body, query: repr((body, query))
    store._Transaction.__enter__ = lambda _self: None
    store._Transaction.__exit__ = lambda _self, *_: None


def one_run(hours: float, stubbed: bool) -> dict[str, float]:
    if stubbed:
        stub_the_byte_work()
    scenario = FLEET_DAY.model_copy(update={"duration": hours * 3600.0})
    with few_collections():
        started = time.perf_counter()
        record = run(scenario)
    return {"wall_s": round(time.perf_counter() - started, 2), "events": record.run.events_processed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=1.5)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--one", choices=("as-is", "stubbed"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.hours, args.one == "stubbed")))
        return
    runs: dict[str, list[dict[str, float]]] = {"as-is": [], "stubbed": []}
    for _ in range(args.rounds):
        for kind, done in runs.items():
            command = [sys.executable, __file__, "--hours", str(args.hours), "--one", kind]
            done.append(
                json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
            )
            print(kind, done[-1], file=sys.stderr, flush=True)
    if len({r["events"] for done in runs.values() for r in done}) != 1:
        sys.exit("upper_bound: the stubbed runs processed other events: the stubs changed the run")
    medians = {kind: statistics.median(r["wall_s"] for r in done) for kind, done in runs.items()}
    print(
        json.dumps(
            {
                "runs": runs,
                "median_wall_s": medians,
                "stubbed_over_as_is": round(medians["stubbed"] / medians["as-is"], 3),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
