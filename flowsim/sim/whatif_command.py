"""``flowsim compare FILE`` and ``flowsim sweep FILE``: what-if runs from the command line.

Wire them into ``argparse`` sub-commands with :func:`add_compare_arguments` /
:func:`add_sweep_arguments` and ``set_defaults(run=run_compare)`` / ``run_sweep``. Bad
input raises :class:`~flowsim.errors.FlowError` subclasses (one line, exit 1). Only
``argparse`` is imported up front.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_compare_arguments", "add_sweep_arguments", "run_compare", "run_sweep"]


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the .flow.yaml file")
    parser.add_argument("--replications", type=int, metavar="N",
                        help="replications per scenario, the same for all (default: the file's)")
    parser.add_argument("--seed", type=int, metavar="S", help="random seed, the same for all (default: the file's)")
    parser.add_argument("--jobs", type=int, metavar="J",
                        help="worker processes here, or workers of --cluster local (default: one per CPU)")
    parser.add_argument("--cluster", metavar="ADDRESS",
                        help="run on a Dask scheduler (tcp://HOST:8786), or 'local' for a LocalCluster; "
                             "needs flowsim[cluster]")
    parser.add_argument("--json", metavar="OUT", help="write the results as JSON to OUT ('-': standard output)")


def add_compare_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE and the options of ``flowsim compare``."""
    _common(parser)
    parser.add_argument("--scenario", action="append", metavar="NAME", dest="scenarios",
                        help="a scenario to compare with the baseline (repeatable; default: all)")


def add_sweep_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE and the options of ``flowsim sweep``."""
    _common(parser)
    parser.add_argument("--vary", action="append", metavar="PATH=V1,V2,...", required=True,
                        help="a path and its values, such as sdr_handoff.capacity=1,2,3 (repeatable: a grid)")
    parser.add_argument("--goal", metavar="\"METRIC OP X\"",
                        help="find the cheapest point that meets this with 95 %% confidence, such as "
                             "\"nodes.sdr_handoff.wait_days <= 0.0035\"")
    parser.add_argument("--minimize", metavar="PATH", help="what 'cheapest' means: a varied PATH (default: the first)")
    parser.add_argument("--csv", metavar="OUT", help="write one row per point and metric as CSV to OUT")


def _load(name: str, outputs: list[str | None]) -> Any:
    from flowsim.check import check_flow
    from flowsim.errors import FlowError, SimulationError
    from flowsim.io import load_flow
    from flowsim.model import errors_in

    for path in outputs:
        if path and path != "-":
            folder = Path(path).resolve().parent
            if not folder.is_dir():
                raise FlowError(f"cannot write {path}: the folder {folder} does not exist")
    flow = load_flow(name)
    errors = errors_in(check_flow(flow))
    if errors:
        for issue in errors:
            print(issue.format(name), file=sys.stderr)
        raise SimulationError(
            f"cannot run: the flow has {len(errors)} error{'s' if len(errors) != 1 else ''} (listed above)", file=name,
        )
    return flow


def _write(path: str, text: str, kind: str) -> None:
    from flowsim.sim.command import _write as write_file

    if path == "-":
        sys.stdout.write(text)
        return
    write_file(path, text)
    print(f"wrote {kind} to {path}", file=sys.stderr)


def _run(name: str, work) -> Any:
    from flowsim.errors import SimulationError
    from flowsim.sim.command import _ProgressBar

    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        return work(bar)
    except SimulationError as err:
        raise err.with_file(err.file or name) from None
    finally:
        if bar is not None:
            bar.close()


def run_compare(args: argparse.Namespace) -> int:
    """Compare the baseline with the chosen scenarios; print the table; write JSON."""
    from flowsim.sim.compare import compare

    flow = _load(args.file, [args.json])
    comparison = _run(args.file, lambda bar: compare(
        flow, args.scenarios, replications=args.replications, seed=args.seed, jobs=args.jobs,
        cluster=args.cluster, progress=bar))
    quiet = args.json == "-"
    if not quiet:
        base = comparison.results[comparison.baseline].config
        print(f"{flow.name}: {len(comparison.results)} scenarios on common random numbers, "
              f"{base.replications} replications each, seed {base.seed}")
        print("differences from the baseline, paired by replication; * = its 95 % interval excludes 0")
        print()
        sys.stdout.write(comparison.table())
    if args.json:
        _write(args.json, comparison.to_json(), "JSON")
    return 0


def run_sweep(args: argparse.Namespace) -> int:
    """Run the grid; print the table and the best point; write JSON and CSV."""
    from flowsim.sim.sweep import parse_vary, sweep

    vary = [parse_vary(text) for text in args.vary]
    flow = _load(args.file, [args.json, args.csv])
    result = _run(args.file, lambda bar: sweep(
        flow, vary, goal=args.goal, minimize=args.minimize, replications=args.replications,
        seed=args.seed, jobs=args.jobs, cluster=args.cluster, progress=bar))
    if "-" not in (args.json, args.csv):
        sys.stdout.write(result.table())
        if result.goal is not None:
            print()
            if result.best_values is None:
                print(f"no point meets {result.goal} with 95 % confidence")
            else:
                chosen = ", ".join(f"{p} = {v}" for p, v in result.best_values.items())
                print(f"cheapest point that meets {result.goal} with 95 % confidence: {chosen}")
    if args.json:
        _write(args.json, result.to_json(), "JSON")
    if args.csv:
        _write(args.csv, result.to_csv(), "CSV")
    return 0
