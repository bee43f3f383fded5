"""Two checkouts measured alternately on this machine, in one run (figures in bench/README.md).

    .venv/bin/python bench/side_by_side.py OTHER_CHECKOUT [--runs 2] [--what fleet-day|policy-compare]

OTHER_CHECKOUT is another working tree of this repository with its own `.venv` (for example
`git worktree add /tmp/old ab2bec3 && make -C /tmp/old install`). The two are run in turn, the other
first, `--runs` times each, so that whatever else the machine does falls on both alike.

- `fleet-day`: each tree's own `bench/bench_fleet_day.py`; the cost per simulated call is its wall time
  over its calls, beside the bare SimPy model's cost per call in the same run.
- `policy-compare`: each tree's `caas-sandbox policy compare`, with its defaults (five scenarios, ten
  replications), the defaults file against one with three jittered OTA retries; the wall time of each.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
CANDIDATE = """[ota_activation]
max_retries = 3
backoff = "exponential"
wait_s = 15
multiplier = 2
jitter = "full"
"""


def fleet_day(tree: Path) -> dict[str, float]:
    done = subprocess.run(
        [str(tree / ".venv/bin/python"), "bench/bench_fleet_day.py"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout)
    calls = figures["simulated_calls"]
    return {
        "wall_s": figures["wall_s"],
        "calls": calls,
        "us_per_call": round(1e6 * figures["wall_s"] / calls, 1),
        "bare_us_per_call": round(1e6 * figures["bare_simpy_wall_s"] / calls, 1),
    }


def policy_compare(tree: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        candidate = Path(folder) / "ota-3-jittered.toml"
        candidate.write_text(CANDIDATE, encoding="utf-8")
        command = [
            str(tree / ".venv/bin/caas-sandbox"),
            "policy",
            "compare",
            "caas_core/policies/defaults.toml",
            str(candidate),
            "--out",
            str(Path(folder) / "out"),
        ]
        started = time.perf_counter()
        subprocess.run(command, cwd=tree, capture_output=True, text=True, check=True)
        return {"wall_s": round(time.perf_counter() - started, 2)}


MEASURES = {"fleet-day": fleet_day, "policy-compare": policy_compare}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="another checkout, with its own .venv")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--what", choices=sorted(MEASURES), default="fleet-day")
    args = parser.parse_args()
    measure = MEASURES[args.what]
    trees = {"other": args.other.resolve(), "this": HERE}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(args.runs):
        for name, tree in trees.items():
            runs[name].append(measure(tree))
            print(name, json.dumps(runs[name][-1]), file=sys.stderr, flush=True)
    key = "us_per_call" if args.what == "fleet-day" else "wall_s"
    means = {name: statistics.mean(r[key] for r in done) for name, done in runs.items()}
    print(
        json.dumps(
            {
                "what": args.what,
                "runs": runs,
                f"mean_{key}": {name: round(mean, 2) for name, mean in means.items()},
                "this_over_other": round(means["this"] / means["other"], 3),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
