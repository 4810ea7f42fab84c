"""The ``flowsim`` command.

Every failure caused by the user's input is one line on stderr (or, for ``validate``,
``FILE:LINE: message`` lines on stdout) and a non-zero exit status; never a traceback.

Exit status: 0 success, 1 the input has problems, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Sequence

from flowsim import __version__
from flowsim.errors import FlowError

__all__ = ["main"]


def _cmd_templates(args: argparse.Namespace) -> int:
    from flowsim.resources import templates

    rows = templates()
    width = max(len(t.name) for t in rows)
    for t in rows:
        print(f"{t.name:<{width}}  {t.title}")
        if t.description:
            print(f"{'':<{width}}  {t.description}")
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    from flowsim.io.output import check_output, is_special, is_stdout, write_output
    from flowsim.resources import template_path

    source = template_path(args.template)
    out = Path(args.out)
    check_output(args.out)
    if out.exists() and not (args.force or is_stdout(args.out) or is_special(args.out)):
        raise FlowError(f"{out} exists already; pass --force to replace it")
    try:
        # The template's bytes as they are: its comments cite the sources of its numbers.
        write_output(args.out, source.read_bytes())
    except OSError as err:
        raise FlowError(f"cannot write {out}: {err.strerror or err}") from None
    if not is_stdout(args.out):
        print(f"wrote {out} from the template {args.template!r}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from flowsim.check import check_flow
    from flowsim.io import load_flow
    from flowsim.safetext import for_terminal

    status = 0
    for name in args.files:
        try:
            flow = load_flow(name)
        except FlowError as err:
            print(str(err.with_file(err.file or name)))
            status = 1
            continue
        issues = check_flow(flow)
        errors = sum(issue.is_error for issue in issues)
        if not errors:  # what simulate would refuse, said now (one place decides: sim.work)
            issues = issues + _work_issues(flow, args.max_work)
        for issue in issues:
            print(issue.format(name))
        if errors:
            status = 1
        elif not args.quiet:
            print(for_terminal(f"{name}: valid ({len(flow.nodes)} nodes, {len(flow.edges)} edges)"))
    return status


def _work_issues(flow, max_work: float | None) -> list:
    from flowsim.errors import SimulationError
    from flowsim.model import Issue
    from flowsim.sim.work import check_work, estimate_work

    try:
        check_work(estimate_work(flow), max_work)
    except SimulationError as err:
        return [Issue(f"simulate would refuse it: {err.message}", err.line, severity="warning",
                      subject="simulation")]
    return []


def _cmd_gui(args: argparse.Namespace) -> int:
    if args.file is not None:
        from flowsim.io.output import check_name

        check_name(args.file)
    if args.file is not None and not Path(args.file).exists():
        raise FlowError(f"{args.file}: no such file")
    if args.template is not None:
        from flowsim.resources import template_path

        template_path(args.template)  # an unknown name is an error before any window
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        raise FlowError(
            "no display to open a window on; run it in a desktop session "
            "(or under xvfb-run, or with QT_QPA_PLATFORM=offscreen)"
        )
    from flowsim.gui.platform_check import require_platform

    require_platform()  # one line naming missing system libraries, instead of Qt's abort
    if hasattr(signal, "pthread_sigmask"):
        # Until the window's event loop runs, a stop signal waits instead of landing in the
        # middle of Qt's start-up; the app then saves and quits (flowsim/gui/shutdown.py).
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGHUP, signal.SIGINT})
    from flowsim.gui.app import run

    return run(args.file, template=args.template, quit_after_first_paint=args.quit_after_first_paint)


def _cmd_export(args: argparse.Namespace) -> int:
    from flowsim.render.command import run

    return run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flowsim",
        description="Draw, simulate and animate lead-generation flows.",
    )
    parser.add_argument("--version", action="version", version=f"flowsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("gui", help="open the app (on FILE, the last file, or the default template)")
    p.add_argument("file", metavar="FILE", nargs="?")
    p.add_argument("--template", metavar="NAME", help="start an untitled flow from a bundled template")
    p.add_argument("--quit-after-first-paint", action="store_true", dest="quit_after_first_paint",
                   help="a smoke start: open the window, quit once the canvas has painted its flow")
    p.set_defaults(run=_cmd_gui)

    p = sub.add_parser("templates", help="list the bundled templates")
    p.set_defaults(run=_cmd_templates)

    p = sub.add_parser("new", help="write a new flow from a template")
    p.add_argument("template", metavar="TEMPLATE", help="a name from 'flowsim templates'")
    p.add_argument("out", metavar="OUT", help="the new .flow.yaml file")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(run=_cmd_new)

    from flowsim.sim import command as simulate_command  # imports only argparse up front

    p = sub.add_parser("validate", help="check flow files; print FILE:LINE: message per problem")
    p.add_argument("files", metavar="FILE", nargs="+")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing for valid files")
    p.add_argument("--max-work", type=simulate_command.max_work_argument, metavar="STEPS", dest="max_work",
                   help="the limit of work to warn above (as simulate's --max-work)")
    p.set_defaults(run=_cmd_validate)

    p = sub.add_parser("simulate", help="simulate a flow: leakage, queues, cost per SQL, time to SQL")
    simulate_command.add_arguments(p)
    p.set_defaults(run=simulate_command.run)

    from flowsim.sim import whatif_command  # argparse only: light

    p = sub.add_parser("compare", help="compare the flow's scenarios with the baseline, on common random numbers")
    whatif_command.add_compare_arguments(p)
    p.set_defaults(run=whatif_command.run_compare)

    p = sub.add_parser("sweep", help="run a grid of values; with --goal, find the cheapest point that meets it")
    whatif_command.add_sweep_arguments(p)
    p.set_defaults(run=whatif_command.run_sweep)

    from flowsim.render.command import add_arguments as export_arguments  # argparse only: light

    p = sub.add_parser("export", help="write the diagram (.svg, .png) or its simulated leads flowing (.gif, .mp4)")
    export_arguments(p)
    p.set_defaults(run=_cmd_export)

    from flowsim.calibrate import command as calibrate_command  # argparse only: light

    p = sub.add_parser("calibrate", help="fit a flow's rates, conversions and delays to a CRM export; backtest it")
    calibrate_command.add_arguments(p)
    p.set_defaults(run=calibrate_command.run)

    from flowsim.render import reportcmd  # argparse only: light

    p = sub.add_parser("report", help="simulate a flow and write its charts and numbers as .html or .pdf")
    reportcmd.add_arguments(p)
    p.set_defaults(run=reportcmd.run)
    return parser


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP: the run ends as Ctrl+C ends it (see :func:`main`)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop_on(signum: int, frame: object) -> None:
    raise Stopped(signum)


def _handle_stop_signals() -> dict[int, object]:
    """SIGTERM and SIGHUP end a run as Ctrl+C does: work stops, workers and temporary
    files are cleaned up, one line is printed. The app replaces these with its own.
    Returns the handlers replaced, to put back."""
    replaced = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) == signal.SIG_DFL:
            replaced[number] = signal.signal(number, _stop_on)
    return replaced


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Interrupted by Ctrl+C, SIGTERM or SIGHUP, a command prints ``flowsim CMD: interrupted``
    and exits with 128 + the signal's number (130, 143, 129), as a shell reports it.
    """
    parser = _parser()
    if argv is not None and any("\0" in arg for arg in argv):
        # A real command line cannot hold one; a caller's list can, and no file name may.
        parser.error("an argument holds a NUL character")
    args = parser.parse_args(argv)
    if args.command is None:  # plain `flowsim` opens the app
        args = parser.parse_args(["gui"])
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "pthread_sigmask"):
        # A mask inherited blocked (from a parent that held them back) would make the
        # command unstoppable: it must stop on Ctrl+C, SIGTERM and SIGHUP. The app blocks
        # them again itself until its window runs.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
    replaced = _handle_stop_signals() if threading.current_thread() is threading.main_thread() else {}
    try:
        return args.run(args)
    except FlowError as err:
        print(f"flowsim {args.command}: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as err:
        print(f"flowsim {args.command}: interrupted", file=sys.stderr)
        return 128 + getattr(err, "signum", signal.SIGINT)
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        for number, handler in replaced.items():  # main() may run inside a longer-lived process
            signal.signal(number, handler)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
