"""``flowsim calibrate FILE --from EXPORT.csv [--map MAP.yaml] -o OUT.flow.yaml [--backtest]``.

Reads the export, prints what it skipped (with lines), the estimates and the proposed
changes, writes the calibrated flow to OUT (atomically; FILE itself is never touched),
prints the YAML diff, and with ``--backtest`` simulates OUT over the export's period and
prints, per stage, the share of weeks inside the simulated band and the weeks outside.
Only ``argparse`` is imported up front.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

__all__ = ["add_arguments", "run", "calibrate_file", "calibrate_flow"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the .flow.yaml file to calibrate")
    parser.add_argument("--from", dest="export", metavar="EXPORT.csv", required=True,
                        help="a HubSpot contacts export, a Salesforce lead report, or any CSV with --map")
    parser.add_argument("--map", metavar="MAP.yaml", help="which column means what, and which value is which channel")
    parser.add_argument("-o", "--output", metavar="OUT.flow.yaml", required=True, help="where the calibrated flow goes")
    parser.add_argument("--backtest", action="store_true",
                        help="simulate the calibrated flow over the export's period and compare week by week")
    parser.add_argument("--replications", type=int, default=60, metavar="N",
                        help="replications of the backtest (default 60)")


def calibrate_file(flow_path: str, export_path: str, map_path: str | None = None):
    """Load, read, estimate and propose: ``(flow, export, estimates, changes, notes)``."""
    from flowsim.io import load_flow

    flow = load_flow(flow_path)
    return (flow, *calibrate_flow(flow, export_path, map_path))


def calibrate_flow(flow: Any, export_path: str, map_path: str | None = None):
    """Read, estimate and propose for a loaded flow: ``(export, estimates, changes, notes)``."""
    from flowsim.calibrate.csvread import read_table
    from flowsim.calibrate.estimate import estimate
    from flowsim.calibrate.propose import propose
    from flowsim.calibrate.records import read_mapping, records_from
    from flowsim.errors import FlowError

    mapping = read_mapping(map_path) if map_path else None
    table = read_table(export_path)
    try:
        export = records_from(table, mapping)
    except FlowError as err:
        raise err.with_file(err.file or export_path) from None
    est = estimate(export)
    changes, notes = propose(flow, est)
    return export, est, changes, notes


def run(args: argparse.Namespace) -> int:
    import difflib

    from flowsim.calibrate.propose import apply_changes
    from flowsim.errors import FlowError
    from flowsim.io import dumps_flow
    from flowsim.io.output import check_output, is_stdout

    if args.replications < 2:
        raise FlowError(f"--replications must be at least 2, got {args.replications}")
    check_output(args.output)  # a bad name must not cost the fits
    flow, export, est, changes, notes = calibrate_file(args.file, args.export, args.map)
    # With the flow on standard output, what is for people goes to stderr.
    out = sys.stderr if is_stdout(args.output) else sys.stdout
    print_summary(export, est, out)
    before = dumps_flow(flow)
    apply_changes(flow, changes, est.basis)
    after = dumps_flow(flow)
    print_changes(changes, notes, out)
    _write(args.output, after)
    diff = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                fromfile=args.file, tofile=args.output)
    out.writelines(diff)
    print(f"wrote {'standard output' if is_stdout(args.output) else args.output}", file=out)
    if args.backtest:
        from flowsim.calibrate.backtest import backtest

        print_backtest(backtest(flow, export, replications=args.replications), out)
    return 0


def _write(path: str, text: str) -> None:
    from flowsim.errors import FlowError
    from flowsim.io.output import write_output

    try:
        write_output(path, text.encode("utf-8"))
    except OSError as err:
        raise FlowError(f"cannot write {path}: {err.strerror or err}") from None


def print_summary(export: Any, est: Any, out: TextIO) -> None:
    from flowsim.calibrate.estimate import describe

    write = lambda text="": print(text, file=out)  # noqa: E731
    write(f"{export.path}: {export.layout} export, {len(export.records):,} leads from "
          f"{export.start:%Y-%m-%d} to {export.end:%Y-%m-%d} ({est.days:g} days)")
    if export.skipped:
        write(f"skipped {len(export.skipped):,} rows that could not be read:")
        for line, reason in export.skipped[:10]:
            write(f"  {export.path}:{line}: {reason}")
        if len(export.skipped) > 10:
            write(f"  … and {len(export.skipped) - 10:,} more")
    write()
    write("leads a day by channel (95 % interval, leads)")
    for channel, rate in est.arrivals.items():
        shape = est.weekdays.get(channel)
        week = f"; weekdays {', '.join(f'{w:g}' for w in shape)}" if shape else ""
        write(f"  {channel:<24} {describe(rate)}{week}")
    write("conversions (95 % interval, leads counted)")
    for step, rate in est.conversions.items():
        write(f"  {step.replace('->', ' → '):<24} {describe(rate, percent=True)}")
    if len(est.by_channel) > 1:
        write("conversions by channel")
        for channel, steps in est.by_channel.items():
            shown = "; ".join(f"{s.replace('->', ' → ')} {describe(r, percent=True)}" for s, r in steps.items())
            write(f"  {channel:<24} {shown}")
    write("delays between stages")
    for step, fit in est.delays.items():
        if fit is None:
            write(f"  {step.replace('->', ' → '):<24} too few to fit (under 20)")
        else:
            write(f"  {step.replace('->', ' → '):<24} median {fit.median.value:.3g} d "
                  f"({fit.median.low:.3g}–{fit.median.high:.3g}); {fit.kind} mean {fit.mean:.3g} d, "
                  f"sd {fit.sd:.3g} d; {fit.note}")


def print_changes(changes: Any, notes: Any, out: TextIO) -> None:
    from flowsim.io.emit import inline

    write = lambda text="": print(text, file=out)  # noqa: E731
    write()
    write("changes (current → fitted, evidence)")
    for c in changes:
        current = "–" if c.current is None else inline(c.current)
        write(f"  {c.label}: {current} → {inline(c.fitted)}   [{c.evidence}]")
    for note in notes:
        write(f"  note: {note}")
    write()


def print_backtest(result: Any, out: TextIO) -> None:
    from flowsim.calibrate.backtest import BACKTEST_STAGES

    write = lambda text="": print(text, file=out)  # noqa: E731
    write()
    write(f"backtest: {result.replications} replications, seed {result.seed}; weeks whose actual count is inside "
          "the simulated 95 % band")
    for stage in BACKTEST_STAGES:
        write(f"  {stage:<10} {result.coverage(stage):.0%}")
    outside = result.disagreements()
    if outside:
        write("weeks outside the band (actual vs simulated mean, band):")
        for w in outside[:20]:
            write(f"  week of {w.start:%Y-%m-%d} {w.stage:<10} {w.actual:>6} vs {w.mean:8.1f} ({w.low:.0f}–{w.high:.0f})")
        if len(outside) > 20:
            write(f"  … and {len(outside) - 20} more")
    else:
        write("every week is inside the band")
