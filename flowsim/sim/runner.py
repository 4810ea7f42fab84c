"""Run a flow's replications, in this process or in a pool of processes.

Every replication compiles the same plain description of the flow (its nodes, edges and
parameters as the file holds them) and draws from its own streams of one
``SeedSequence(seed)``; nothing else goes in, so its numbers do not depend on which
process ran it, on how many there were, or on ``PYTHONHASHSEED``. Workers are forked
where that is safe (a command-line run on Linux) and spawned everywhere else, the app
included (see ``_context``).
"""

from __future__ import annotations

import contextlib
import copy
import math
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from multiprocessing import connection as mp_connection
from typing import Any, Callable, Protocol

from flowsim.errors import SimulationError
from flowsim.model import Edge, Flow, Node, errors_in, validate
from flowsim.sim.config import Cancelled, SimConfig, TraceOptions
from flowsim.sim.engine import Replication
from flowsim.sim.plan import Plan, compile_flow
from flowsim.sim.results import Results, aggregate
from flowsim.sim.trace import TraceRecorder
from flowsim.sim.work import check_work, estimate_plan

__all__ = ["simulate", "flow_payload", "flow_from_payload", "prepare_worker"]


class CancelLike(Protocol):
    def is_set(self) -> bool: ...


def simulate(
    flow: Flow,
    config: SimConfig | None = None,
    *,
    progress: Callable[[float], None] | None = None,
    cancel: CancelLike | None = None,
    trace: TraceOptions | bool | None = None,
    max_work: float | None = None,
) -> Results:
    """Simulate ``flow`` and return its :class:`~flowsim.sim.results.Results`.

    ``config`` fields left ``None`` come from the flow's ``simulation:`` settings.
    ``progress(fraction)`` is called from this thread, fractions rising to 1.0.
    ``cancel`` (anything with ``is_set()``, such as ``threading.Event``) stops the run
    soon after it is set, raising :class:`~flowsim.sim.config.Cancelled`. ``trace``
    (``True`` for the defaults) records the first replication's events. A run whose
    estimated work (:mod:`flowsim.sim.work`) is above ``max_work`` steps (default
    :data:`~flowsim.sim.work.DEFAULT_MAX_WORK`) is refused before it starts.

    Raises SimulationError, naming the node or edge, for a flow with validation errors,
    a setting out of range, or a flow that cannot run (such as a rule that fails on
    some lead); never hangs on a cycle (see :data:`~flowsim.sim.config.MAX_HOPS`).
    """
    config = (config or SimConfig()).resolve(flow)
    issues = validate(flow)
    errors = errors_in(issues)
    if errors:
        listed = "; ".join(issue.format() for issue in errors[:10])
        more = f"; and {len(errors) - 10} more" if len(errors) > 10 else ""
        raise SimulationError(
            f"cannot simulate a flow with {len(errors)} error{'s' if len(errors) != 1 else ''}: {listed}{more}",
            line=errors[0].line,
        )
    payload = flow_payload(flow)
    plan = compile_flow(flow_from_payload(payload))
    check_work(estimate_plan(plan, config), max_work)
    options = TraceOptions() if trace is True else (trace or None)
    reps = config.replications
    jobs = min(config.jobs, reps)
    if jobs <= 1:
        raws, first_trace = _sequential(plan, config, options, progress, cancel)
    else:
        raws, first_trace = _parallel(payload, config, options, jobs, progress, cancel)
    if progress is not None:
        progress(1.0)
    return aggregate(
        raws,
        flow_name=plan.name,
        config=config,
        node_ids=[n.id for n in plan.nodes],
        edges=plan.edges,
        source_ids=[plan.nodes[i].id for i in plan.sources],
        warnings=[str(issue) for issue in issues if not issue.is_error],
        trace=first_trace,
    )


def run_replication(
    plan: Plan, config: SimConfig, index: int, options: TraceOptions | None,
    progress: Callable[[float], None] | None = None, cancelled: Callable[[], bool] | None = None,
) -> tuple[dict[str, Any], Any]:
    """Replication ``index``: its raw numbers and (when ``options``) its trace."""
    recorder = TraceRecorder(options.max_events, options.every) if options is not None else None
    rep = Replication(plan, days=config.days, warmup=config.warmup_days, seed=config.seed,
                      index=index, trace=recorder)
    raw = rep.run(progress, cancelled)
    return raw, rep.finish_trace()


def _sequential(plan, config, options, progress, cancel):
    raws: list[dict[str, Any]] = []
    first = None
    reps = config.replications
    cancelled = cancel.is_set if cancel is not None else None
    for index in range(reps):
        report = None
        if progress is not None:
            report = lambda f, i=index: progress((i + f) / reps)  # noqa: E731
        raw, trace = run_replication(plan, config, index, options if index == 0 else None, report, cancelled)
        raws.append(raw)
        if index == 0:
            first = trace
    return raws, first


# --- worker processes --------------------------------------------------------------------
#
# A small pool of our own rather than ProcessPoolExecutor, for three promises the
# executor cannot keep: a worker dies with its parent however the parent ends (a
# parent-death signal on Linux, a watchdog elsewhere), a worker that dies is named in one
# line (which replication, which signal) instead of a BrokenProcessPool traceback, and no
# worker is left behind blocked on a pipe or a lock. Each worker has its own result pipe,
# so a worker killed while it sends cannot wedge the others' results.


def _task(payload: dict[str, Any], config: SimConfig, options: TraceOptions | None, shared: tuple) -> tuple[str, Any]:
    """Run replications in this worker until none are left; ``options`` traces replication 0.

    Workers take the next replication from a shared counter as they finish one, so the
    cores stay busy to the end (a slow replication holds up only itself) and no
    replication costs a round trip to the parent. When a replication fails, those after
    it stop and none start, but those before it go on: one of them may fail too, and the
    error reported must be the one a sequential run meets first.
    """
    stop, shares, claimed, failed_at, running, slot = shared
    plan = compile_flow(flow_from_payload(payload))
    done = []
    while not stop.is_set():
        with claimed.get_lock():
            index = claimed.value
            claimed.value += 1
        if index >= config.replications or index > failed_at.value:
            break
        running[slot] = index

        def report(fraction: float, index: int = index) -> None:
            shares[index] = fraction

        def cancelled(index: int = index) -> bool:
            return stop.is_set() or failed_at.value < index

        try:
            raw, trace = run_replication(plan, config, index, options if index == 0 else None,
                                         report, cancelled)
        except SimulationError as err:  # the parts, so the worker's line and column survive
            with failed_at.get_lock():
                failed_at.value = min(failed_at.value, index)
            return "error", (index, err.message, err.file, err.line, err.column)
        except Cancelled:
            return "cancelled", None
        done.append((index, raw, trace))
    running[slot] = -1
    return "ok", done


def _worker_main(parent: int, conn: Any, payload: dict[str, Any], config: SimConfig,
                 options: TraceOptions | None, shared: tuple) -> None:
    """A worker process: run :func:`_task`, send its outcome, and end quietly."""
    prepare_worker(parent)
    try:
        outcome = _task(payload, config, options, shared)
    except BaseException as err:  # a bug, not the flow: stop the others, let it surface there
        shared[0].set()
        try:
            pickle.dumps(err)
        except Exception:  # noqa: BLE001 - an exception that cannot travel: its text can
            err = RuntimeError(f"{type(err).__name__}: {err}")
        outcome = ("crash", (err, traceback.format_exc()))
    try:
        conn.send(outcome)
    except (OSError, ValueError):  # the parent is gone or stopped listening
        pass
    finally:
        conn.close()


def prepare_worker(parent: int) -> None:
    """Make this worker process die with ``parent`` and leave interruptions to it.

    For any pool of flowsim workers (``ProcessPoolExecutor(initializer=prepare_worker,
    initargs=(os.getpid(),))`` too): the parent decides about Ctrl+C and stops its workers
    itself, so SIGINT is ignored here (a worker's own KeyboardInterrupt would only print a
    traceback); SIGTERM and SIGHUP end a worker as the system means them, even when it was
    forked from a parent that handles them.
    """
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stops = {getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)}
    for number in stops:
        signal.signal(number, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # a mask held by the parent is inherited: drop it
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stops)


def _die_with_parent(parent: int) -> None:
    """End this process when ``parent`` does, whatever ends it (even SIGKILL)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            PR_SET_PDEATHSIG = 1
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # it died before the signal was armed
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="flowsim-parent-watch", daemon=True).start()


def _parallel(payload, config, options, jobs, progress, cancel):
    reps = config.replications
    context = _context()
    stop = context.Event()
    shares = context.Array("d", reps, lock=False)
    claimed = context.Value("l", 0)
    failed_at = context.Value("l", reps)  # the first replication that failed, so far
    running = context.Array("l", [-1] * jobs, lock=False)  # what each worker is on
    workers = []
    try:
        for slot in range(jobs):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=_worker_main, name=f"flowsim-worker-{slot}", daemon=True,
                args=(os.getpid(), send, payload, config, options,
                      (stop, shares, claimed, failed_at, running, slot)),
            )
            process.start()
            send.close()  # ours only in the child: EOF tells us the child is gone
            workers.append((slot, process, receive))
        outcomes = _collect(workers, running, cancel, stop,
                            (lambda: progress(min(math.fsum(shares[:]) / reps, 1.0))) if progress else None)
        crashes = [value for status, value in outcomes if status == "crash"]
        if crashes:
            error, where = crashes[0]
            error.add_note(f"in a worker process:\n{where}")
            raise error
        errors = sorted(value for status, value in outcomes if status == "error")
        if errors:
            _, message, file, line, column = errors[0]
            raise SimulationError(message, file=file, line=line, column=column)
        raws: list[dict[str, Any]] = [{} for _ in range(reps)]
        first = None
        for status, value in outcomes:
            if status != "ok":
                raise Cancelled()
            for index, raw, trace in value:
                raws[index] = raw
                if index == 0:
                    first = trace
        if any(not raw for raw in raws):  # only a stop can leave one out, and a stop is a cancel
            raise Cancelled()
        return raws, first
    finally:
        stop.set()  # on any way out (Ctrl-C, an error), running workers stop at their next step
        _reap(workers)


def _collect(workers, running, cancel, stop, report) -> list[tuple[str, Any]]:
    """Every worker's outcome; SimulationError naming the replication if one dies."""
    outcomes: dict[int, tuple[str, Any]] = {}
    waiting = {slot: (process, receive) for slot, process, receive in workers}
    while waiting:
        handles = [h for process, receive in waiting.values() for h in (receive, process.sentinel)]
        ready = set(mp_connection.wait(handles, timeout=0.1))
        for slot, (process, receive) in list(waiting.items()):
            if receive in ready or (process.sentinel in ready and receive.poll()):
                try:
                    outcomes[slot] = receive.recv()
                except (EOFError, OSError):
                    pass  # it died while sending: reported below, once its end is known
                else:
                    del waiting[slot]
                    continue
            if process.sentinel in ready or not process.is_alive():
                process.join(1.0)
                stop.set()
                raise SimulationError(_death_message(process.exitcode, int(running[slot])))
        if cancel is not None and cancel.is_set():
            stop.set()
            raise Cancelled()
        if report is not None:
            report()
    return [outcomes[slot] for slot, _, _ in workers]


def _death_message(exitcode: int | None, index: int) -> str:
    what = f"replication {index + 1}" if index >= 0 else "a replication"
    if exitcode is not None and exitcode < 0:
        try:
            how = f"was killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"was killed by signal {-exitcode}"
        if -exitcode == getattr(signal, "SIGKILL", None):
            how += " (perhaps the system ran out of memory)"
    else:
        how = f"ended unexpectedly (exit status {exitcode})"
    return f"the worker process running {what} {how}; the run was stopped"


def _reap(workers) -> None:
    """Wait briefly for the workers to stop, then kill what is left: none outlives a run."""
    for _, _, receive in workers:
        receive.close()  # a worker still sending gets EPIPE instead of blocking
    deadline = time.monotonic() + 2.0
    for _, process, _ in workers:
        process.join(max(0.0, deadline - time.monotonic()))
    for _, process, _ in workers:
        if process.is_alive():
            process.kill()
            process.join(2.0)
        with contextlib.suppress(ValueError, OSError):
            process.close()


def _context() -> Any:
    """``fork`` (quick to start) only where it is safe: on Linux, from the main thread of
    a process with no other threads. Threads that Python does not count (Qt's, a
    QThread's) are there whenever Qt is loaded, and a fork beside them can deadlock in
    the child, so with Qt, or off the main thread, workers are spawned."""
    if (
        sys.platform.startswith("linux")
        and threading.current_thread() is threading.main_thread()
        and threading.active_count() == 1
        and "PySide6" not in sys.modules
    ):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


# --- the flow as plain data ---------------------------------------------------------------


def flow_payload(flow: Flow) -> dict[str, Any]:
    """``flow`` as plain, picklable data: what a worker needs to compile it again."""
    return {
        "name": flow.name,
        "simulation": copy.deepcopy(flow.simulation),
        "nodes": [
            {"id": n.id, "kind": n.kind, "label": n.label, "params": copy.deepcopy(n.params),
             "lines": dict(n.lines)}
            for n in flow.nodes
        ],
        "edges": [
            {"source": e.source, "target": e.target, "when": e.when, "probability": e.probability,
             "label": e.label, "lines": dict(e.lines)}
            for e in flow.edges
        ],
    }


def flow_from_payload(payload: dict[str, Any]) -> Flow:
    """The flow described by :func:`flow_payload` (without comments or events)."""
    nodes = [
        Node(n["id"], n["kind"], label=n["label"], params=copy.deepcopy(n["params"]), lines=dict(n["lines"]))
        for n in payload["nodes"]
    ]
    edges = [
        Edge(e["source"], e["target"], when=e["when"], probability=e["probability"], label=e["label"],
             lines=dict(e["lines"]))
        for e in payload["edges"]
    ]
    return Flow(payload["name"], simulation=payload["simulation"], nodes=nodes, edges=edges)
