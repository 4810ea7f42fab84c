"""``flowsim simulate FILE``: run a flow and print what happened to its leads.

Wire it into an ``argparse`` sub-command::

    p = sub.add_parser("simulate", help="...")
    add_arguments(p)
    p.set_defaults(run=run)

:func:`run` raises :class:`~flowsim.errors.FlowError` subclasses for bad input (the
``flowsim`` command prints them as one line and exits 1) and returns 0 on success. Only
``argparse`` is imported up front, so building the command line stays quick.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add FILE and the options of ``flowsim simulate`` to ``parser``."""
    parser.add_argument("file", metavar="FILE", help="the .flow.yaml file to simulate")
    parser.add_argument("--days", type=float, metavar="D", help="simulated days (default: the file's simulation.days)")
    parser.add_argument("--warmup-days", type=float, metavar="D", dest="warmup_days",
                        help="days left out of the statistics at the start (default: the file's)")
    parser.add_argument("--replications", type=int, metavar="N", help="independent runs to average (default: the file's)")
    parser.add_argument("--seed", type=int, metavar="S", help="random seed: the same seed gives the same numbers")
    parser.add_argument("--jobs", type=int, metavar="J", help="worker processes (default: one per CPU)")
    parser.add_argument("--json", metavar="OUT", help="write the results as JSON to OUT")
    parser.add_argument("--csv", metavar="OUT", help="write one row per metric as CSV to OUT")
    parser.add_argument("--max-work", type=max_work_argument, metavar="STEPS", dest="max_work",
                        help="run a flow estimated above the usual limit of work (the estimate is "
                             "in the refusal and in 'flowsim validate')")


def max_work_argument(text: str) -> float:
    """``--max-work`` for argparse: a number of steps above 0 (``2e9``) or ``inf``."""
    from flowsim.sim.work import parse_max_work

    try:
        return parse_max_work(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def run(args: argparse.Namespace) -> int:
    """Load, validate and simulate ``args.file``; print the table; write JSON/CSV."""
    from flowsim.errors import FlowError, SimulationError
    from flowsim.io import load_flow
    from flowsim.check import check_flow  # every problem, rules and structures included
    from flowsim.model import errors_in
    from flowsim.sim.config import SimConfig
    from flowsim.sim.runner import simulate
    from flowsim.safetext import for_terminal

    from flowsim.io.output import check_output, is_stdout

    name = args.file
    outputs = [(path, kind) for path, kind in ((args.json, "JSON"), (args.csv, "CSV")) if path]
    for path, _ in outputs:  # before any work: a bad name must not cost a whole run
        check_output(path)
    if sum(is_stdout(path) for path, _ in outputs) > 1:
        raise FlowError("--json and --csv cannot both go to standard output")
    # With results on standard output, the table and notes for people go to stderr.
    notes = sys.stderr if any(is_stdout(path) for path, _ in outputs) else sys.stdout
    flow = load_flow(name)
    errors = errors_in(check_flow(flow))
    if errors:
        for issue in errors:
            print(issue.format(name), file=sys.stderr)  # format() escapes control characters
        raise SimulationError(
            f"cannot simulate: the flow has {len(errors)} error{'s' if len(errors) != 1 else ''} (listed above)",
            file=name,
        )
    config = SimConfig(days=args.days, warmup_days=args.warmup_days, replications=args.replications,
                       seed=args.seed, jobs=args.jobs)
    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        results = simulate(flow, config, progress=bar, max_work=getattr(args, "max_work", None))
    except SimulationError as err:
        raise err.with_file(err.file or name) from None
    finally:
        if bar is not None:
            bar.close()
    print_table(results, notes)
    for path, kind in outputs:
        text = results.to_json() if kind == "JSON" else results.to_csv()
        _write(path, text)
        shown = "standard output" if is_stdout(path) else path
        print(for_terminal(f"wrote {kind} to {shown}"), file=notes)
    return 0


def _write(path: str, text: str) -> None:
    from flowsim.errors import FlowError
    from flowsim.io.output import write_output

    try:
        write_output(path, text.encode("utf-8"))
    except OSError as err:
        raise FlowError(f"cannot write {path}: {err.strerror or err}") from None


class _ProgressBar:
    """``[#########.........]  45 %`` on one terminal line, redrawn in place."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = -1

    def __call__(self, fraction: float) -> None:
        percent = int(fraction * 100)
        if percent == self.shown:
            return
        self.shown = percent
        filled = int(fraction * self.WIDTH)
        self.stream.write(f"\r  simulating [{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:3d} %")
        self.stream.flush()

    def close(self) -> None:
        if self.shown >= 0:
            self.stream.write("\r" + " " * (self.WIDTH + 30) + "\r")
            self.stream.flush()


# --- the table ---------------------------------------------------------------------------


def _num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _pm(metric: Any, digits: int = 0) -> str:
    """``mean ± half-width`` of a metric, or ``mean (low–high)`` when its interval was
    clipped at 0 and is no longer symmetric (the same bounds as the JSON and the app)."""
    if metric.mean is None:
        return "–"
    low, high = metric.ci95
    half = (high - low) / 2 if low is not None and high is not None else 0.0
    if half <= 0:
        return _num(metric.mean, digits)
    if abs((metric.mean - low) - (high - metric.mean)) > 1e-9 * max(1.0, abs(metric.mean)):
        return f"{_num(metric.mean, digits)} ({_num(low, digits)}–{_num(high, digits)})"
    return f"{_num(metric.mean, digits)} ± {_num(half, digits)}"


def _pct(metric: Any) -> str:
    return "–" if metric.mean is None else f"{metric.mean * 100:.1f} %"


def _span(days: float | None) -> str:
    """A time span in the unit that reads best: ``12 min``, ``3.4 h``, ``2.1 d``."""
    if days is None:
        return "–"
    if days == 0:
        return "0"
    if days < 1 / 24:
        return f"{days * 1440:.0f} min"
    if days < 1:
        return f"{days * 24:.1f} h"
    return f"{days:.1f} d"


def print_table(results: Any, out: TextIO) -> None:
    """The readable summary ``flowsim simulate`` prints."""
    from flowsim.safetext import for_terminal

    c = results.config
    # Every line through for_terminal: names, ids and notes come from the file.
    write = lambda text="": print(for_terminal(text), file=out)  # noqa: E731
    write(f"{results.flow_name}: {c.days:g} days ({c.warmup_days:g} warm-up), "
          f"{c.replications} replication{'s' if c.replications != 1 else ''}, seed {c.seed}")
    write("means over replications, ± half the 95 % interval; counts exclude leads born in the warm-up")
    f = results.funnel
    write()
    write("Funnel")
    rows = [
        ("arrivals", f["arrivals"], ""),
        ("leads", f["leads"], f"{_pct(f['arrival_to_lead'])} of arrivals"),
        ("MQLs", f["mqls"], f"{_pct(f['lead_to_mql'])} of leads"),
        ("SQLs", f["sqls"], f"{_pct(f['mql_to_sql'])} of MQLs"),
        ("customers", f["customers"], f"{_pct(f['sql_to_customer'])} of SQLs"),
    ]
    for label, metric, share in rows:
        write(f"  {label:<12}{_pm(metric, 1 if (metric.mean or 0) < 100 else 0):>22}   {share}")
    write()
    width = max([len(n) for n in results.nodes] + [4])
    write(f"  {'node':<{width}}  {'entered':>10}  {'leaked':>9}  {'cold':>7}  {'in flow':>8}  {'wait':>8}  {'time here':>9}  {'busy':>6}")
    for nid, m in results.nodes.items():
        busy = "–" if m["utilization"].mean is None else f"{m['utilization'].mean * 100:.0f} %"
        write(f"  {nid:<{width}}  {_num(m['entered'].mean):>10}  {_num(m['leaked'].mean):>9}  "
              f"{_num(m['cold'].mean):>7}  {_num(m['in_progress'].mean):>8}  {_span(m['wait_days'].mean):>8}  "
              f"{_span(m['time_in_node_days'].mean):>9}  {busy:>6}")
    write()
    width = max([len(n) for n in results.channels] + [7])
    write(f"  {'channel':<{width}}  {'leads':>9}  {'cost':>12}  {'SQLs':>7}  {'cost per SQL':>13}  {'customers':>9}")
    for cid, m in results.channels.items():
        write(f"  {cid:<{width}}  {_num(m['leads'].mean):>9}  {_num(m['cost'].mean):>12}  {_num(m['sqls'].mean, 1):>7}  "
              f"{_num(m['cost_per_sql'].mean):>13}  {_num(m['customers'].mean, 1):>9}")
    if results.totals:
        _print_money(results, write)
    write()
    write(f"  {'time from lead to':<18}  {'mean':>8}  {'median':>8}  {'p90':>8}   leads")
    for key, label in (("mql", "MQL"), ("sql", "SQL"), ("customer", "customer")):
        t = results.time_to[key]
        write(f"  {label:<18}  {_span(t['mean'].mean):>8}  {_span(t['median'].mean):>8}  {_span(t['p90'].mean):>8}   "
              f"{_num(t['count'].mean, 1)}")
    if results.warnings:
        write()
        for note in results.warnings:
            write(f"  warning: {note}")


def _print_money(results: Any, write: Any) -> None:
    """Spend, revenue and returns per channel (first touch), then the flow's totals."""
    write()
    width = max([len(n) for n in results.channels] + [7])
    write(f"  {'channel':<{width}}  {'spend':>12}  {'revenue':>12}  {'pipeline':>12}  {'CAC':>10}  "
          f"{'CLV':>10}  {'ROI':>8}  {'payback':>8}")
    for cid, m in results.channels.items():
        payback = m["payback_months"].mean
        write(f"  {cid:<{width}}  {_num(m['spend'].mean):>12}  {_num(m['revenue'].mean):>12}  "
              f"{_num(m['pipeline_value'].mean):>12}  {_num(m['cac'].mean):>10}  {_num(m['clv'].mean):>10}  "
              f"{_pct(m['roi']):>8}  {'–' if payback is None else f'{payback:.1f} mo':>8}")
    t = results.totals
    write(f"  total: spend {_pm(t['spend'])}, team {_pm(t['team_cost'])}, revenue {_pm(t['revenue'])}, "
          f"ROI {_pct(t['roi'])}")
    write("  revenue, CAC and ROI by first touch: each lead belongs to the source it came from")


if __name__ == "__main__":  # pragma: no cover - `python -m flowsim.sim.command FILE`
    _parser = argparse.ArgumentParser(prog="flowsim simulate")
    add_arguments(_parser)
    _args = _parser.parse_args()
    try:
        sys.exit(run(_args))
    except Exception as _err:  # noqa: BLE001 - a FlowError, printed as flowsim would
        from flowsim.errors import FlowError

        if not isinstance(_err, FlowError):
            raise
        print(f"flowsim simulate: {_err}", file=sys.stderr)
        sys.exit(1)
