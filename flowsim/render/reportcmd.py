"""``flowsim report FILE -o OUT.{html,pdf}``: simulate a flow and write its report.

Only ``argparse`` is imported up front, so building the command line stays quick.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE and the options of ``flowsim report``."""
    parser.add_argument("file", metavar="FILE", help="the .flow.yaml file to simulate")
    parser.add_argument("-o", "--output", metavar="OUT", required=True,
                        help="the report to write: .html (one self-contained page) or .pdf; - writes the HTML "
                             "to standard output")
    parser.add_argument("--days", type=float, metavar="D", help="simulated days (default: the file's)")
    parser.add_argument("--warmup-days", type=float, metavar="D", dest="warmup_days",
                        help="days left out of the numbers at the start (default: the file's)")
    parser.add_argument("--replications", type=int, metavar="N", help="independent runs to average (default: the file's)")
    parser.add_argument("--seed", type=int, metavar="S", help="random seed: the same seed gives the same numbers")
    parser.add_argument("--jobs", type=int, metavar="J", help="worker processes (default: one per CPU)")
    from flowsim.sim.command import max_work_argument

    parser.add_argument("--max-work", type=max_work_argument, metavar="STEPS", dest="max_work",
                        help="run even if the run's estimated work is above the usual limit (as for simulate)")


def run(args: argparse.Namespace) -> int:
    """Check OUT, load, validate and simulate FILE, write the report; 0 on success.

    Bad input raises :class:`~flowsim.errors.FlowError` (one line, exit 1), before the
    simulation when it is about OUT.
    """
    from flowsim.check import check_flow
    from flowsim.errors import FlowError, SimulationError
    from flowsim.io import load_flow
    from flowsim.model import errors_in
    from flowsim.render.report import REPORT_SUFFIXES
    from flowsim.sim.command import _ProgressBar
    from flowsim.sim.config import SimConfig
    from flowsim.sim.runner import simulate

    from flowsim.io.output import check_output, is_stdout
    from flowsim.safetext import for_terminal

    out = Path(args.output)
    to_stdout = is_stdout(args.output)
    if not to_stdout and out.suffix.lower() not in REPORT_SUFFIXES:
        raise FlowError(f"cannot write a report as {out.name!r}: use a name ending in .html or .pdf")
    check_output(args.output)  # before any work: a bad name must not cost a whole run
    name = args.file
    flow = load_flow(name)
    errors = errors_in(check_flow(flow))
    if errors:
        for issue in errors:
            print(issue.format(name), file=sys.stderr)
        raise SimulationError(
            f"cannot simulate: the flow has {len(errors)} error{'s' if len(errors) != 1 else ''} (listed above)",
            file=name,
        )
    config = SimConfig(days=args.days, warmup_days=args.warmup_days, replications=args.replications,
                       seed=args.seed, jobs=args.jobs)
    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        results = simulate(flow, config, progress=bar, max_work=args.max_work)
    except SimulationError as err:
        raise err.with_file(err.file or name) from None
    finally:
        if bar is not None:
            bar.close()
    from flowsim.render.report import write_report

    write_report(args.output, flow, results)
    if not to_stdout:
        print(for_terminal(f"wrote the report to {out}"))
    return 0
