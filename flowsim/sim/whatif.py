"""What-if runs: many variants of one flow, each over the same replications and streams.

Everything here comes down to one task, :func:`run_task`: a pure function of (flow payload,
overrides, replication index, seed) that returns a replication's raw numbers as plain
data. A plain loop, the local process pool and a Dask cluster all run that function on
the same inputs and results are combined in (variant, replication) order in this
process, so every way gives the same bytes.

Common random numbers come from :mod:`flowsim.sim.streams`: replication ``r`` of every
variant draws node ``id``'s purpose ``k`` from ``SeedSequence(seed, spawn_key=(r,
crc32(id), k))``. Variants share the seed and the replication indices, so a change to one
node leaves the draws of every other node as they were, and differences between variants
are measured replication by replication (paired).
"""

from __future__ import annotations

import math
import re
import uuid
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, fields
from typing import Any, Callable, Iterator, Mapping, Sequence

from flowsim.errors import SimulationError
from flowsim.model import Flow, errors_in, validate
from flowsim.model.scenarios import PathError, apply_overrides
from flowsim.sim.config import Cancelled, SimConfig
from flowsim.sim.engine import Replication
from flowsim.sim.plan import compile_flow
from flowsim.sim.results import Metric, Results, aggregate

__all__ = [
    "Variant", "Task", "run_task", "execute", "run_variants", "metric_table", "Goal", "parse_goal",
    "LOCAL",
]

#: ``--cluster local``: a Dask LocalCluster on this machine.
LOCAL = "local"


@dataclass(frozen=True)
class Variant:
    """A named set of overrides (see :mod:`flowsim.model.scenarios`); ``{}`` is the flow."""

    name: str
    values: Mapping[str, Any]


#: (flow payload, overrides, replication index, seed): everything one task needs.
Task = tuple[dict[str, Any], dict[str, Any], int, int]


def run_task(payload: dict[str, Any], values: dict[str, Any], index: int, seed: int) -> dict[str, Any]:
    """Replication ``index`` of the flow ``payload`` with ``values`` set: its raw numbers.

    A pure function of its arguments: the same inputs give the same numbers in any
    process, on any machine with the same versions. Raises SimulationError for a rule
    that fails on some lead.
    """
    from flowsim.sim.runner import flow_from_payload

    flow = apply_overrides(flow_from_payload(payload), values)
    days, warmup = flow.setting("days"), flow.setting("warmup_days")
    rep = Replication(compile_flow(flow), days=days, warmup=warmup, seed=seed, index=index, trace=None)
    return rep.run()


def _run_chunk(chunk: list[tuple[int, Task]]) -> list[tuple[int, dict[str, Any]]]:
    return [(number, run_task(*task)) for number, task in chunk]


Progress = Callable[[float], None] | None


def execute(
    tasks: Sequence[Task], *, jobs: int = 1, cluster: str | None = None,
    progress: Progress = None, cancel: Any = None,
) -> list[dict[str, Any]]:
    """Run ``tasks``; their results in the order of ``tasks``.

    ``cluster`` ``None`` runs them here (``jobs`` 1) or in ``jobs`` worker processes;
    ``"local"`` starts a Dask LocalCluster of ``jobs`` workers; any other value is the
    address of a Dask scheduler (``tcp://host:8786``). Whichever runs them, the results
    are the same. When several tasks fail, the error raised is the first in task order.
    ``cancel`` (anything with ``is_set()``) stops the run with Cancelled.
    """
    if not tasks:
        return []
    if cluster:
        return _dask(tasks, cluster, jobs, progress, cancel)
    if jobs <= 1:
        out = []
        for number, task in enumerate(tasks):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            out.append(run_task(*task))
            if progress is not None:
                progress((number + 1) / len(tasks))
        return out
    return _pool(tasks, jobs, progress, cancel)


def _pool(tasks, jobs, progress, cancel) -> list[dict[str, Any]]:
    from flowsim.sim.runner import _context

    numbered = list(enumerate(tasks))
    # Small chunks: a round trip costs far less than a replication, and a worker that the
    # machine slows down (or a slow variant) then holds up only a little work at the end.
    size = max(1, math.ceil(len(numbered) / (jobs * 16)))
    chunks = [numbered[i:i + size] for i in range(0, len(numbered), size)]
    out: list[Any] = [None] * len(tasks)
    done = 0
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_context()) as pool:
        pending = {pool.submit(_run_chunk, chunk) for chunk in chunks}
        try:
            while pending:
                finished, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                for future in finished:
                    if future.exception() is not None:
                        continue  # raised below, in task order
                    for number, raw in future.result():
                        out[number] = raw
                        done += 1
                if progress is not None and finished:
                    progress(done / len(tasks))
        finally:
            for future in pending:
                future.cancel()
    if done < len(tasks):
        _raise_first(tasks, out)
    return out


def _raise_first(tasks: Sequence[Task], out: list[Any]) -> None:
    """Run the first task without a result here: it raises the error a loop meets first."""
    for number, task in enumerate(tasks):
        if out[number] is None:
            out[number] = run_task(*task)
    raise AssertionError("a worker returned no result but its task runs here")  # pragma: no cover


def _dask(tasks, cluster, jobs, progress, cancel) -> list[dict[str, Any]]:
    try:
        import dask
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise SimulationError(
            "--cluster needs Dask: pip install 'flowsim[cluster]'"
        ) from None
    own = None
    try:
        if cluster == LOCAL:
            # Processes, one thread each: a replication holds the GIL from start to end.
            # Dask's sampling profiler interrupts a pure-Python replication every 10 ms
            # and slowed it to about half speed here; nobody reads its profiles.
            with dask.config.set({"distributed.worker.profile.enabled": False}):
                own = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                   dashboard_address=":0")
            client = Client(own)
        else:
            client = Client(cluster)  # waits distributed.comm.timeouts.connect (Dask config)
    except (OSError, TimeoutError) as err:
        if own is not None:
            own.close()
        raise SimulationError(f"cannot reach the Dask scheduler at {cluster}: {err}") from None
    try:
        run = uuid.uuid4().hex[:12]  # keys unique on a cluster that others share
        futures = [
            client.submit(run_task, *task, key=f"flowsim-{run}-{number}", pure=False)
            for number, task in enumerate(tasks)
        ]
        done = 0
        try:
            for future in as_completed(futures):
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                done += 1
                if progress is not None:
                    progress(done / len(tasks))
            out = []
            for future in futures:  # the first error in task order, as a loop meets it
                out.append(future.result())
            return out
        finally:
            client.cancel(futures)
    finally:
        client.close()
        if own is not None:
            own.close()


# --- variants → Results --------------------------------------------------------------------


def run_variants(
    flow: Flow, variants: Sequence[Variant], *, replications: int | None = None, seed: int | None = None,
    jobs: int | None = None, cluster: str | None = None, progress: Progress = None, cancel: Any = None,
) -> list[Results]:
    """Each variant's :class:`Results`, all on the same replications and seed.

    Raises SimulationError for a flow or a variant with validation errors (naming the
    variant), a setting out of range or a flow that cannot run.
    """
    from flowsim.sim.runner import flow_payload
    from flowsim.sim.work import check_work, estimate_plan

    base = SimConfig(replications=replications, seed=seed, jobs=jobs).resolve(flow)
    payload = flow_payload(flow)
    prepared = []
    for variant in variants:
        try:
            twin = apply_overrides(flow, variant.values)
        except PathError as err:
            raise SimulationError(f"{_named(variant)}: {err}") from None
        issues = validate(twin)
        errors = errors_in(issues)
        if errors:
            raise SimulationError(f"{_named(variant)}: {errors[0]}", line=errors[0].line)
        config = SimConfig(replications=base.replications, seed=base.seed, jobs=base.jobs).resolve(twin)
        plan = compile_flow(twin)
        # Each variant is held to the limit of one run: a long sweep is many ordinary runs.
        check_work(estimate_plan(plan, config), what=f"run of {_named(variant)}")
        prepared.append((variant, config, plan, [str(i) for i in issues if not i.is_error]))
    reps = base.replications
    tasks = [
        (payload, dict(variant.values), index, base.seed)
        for variant, *_ in prepared for index in range(reps)
    ]
    raws = execute(tasks, jobs=base.jobs, cluster=cluster, progress=progress, cancel=cancel)
    out = []
    for number, (variant, config, plan, warnings) in enumerate(prepared):
        out.append(aggregate(
            raws[number * reps:(number + 1) * reps],
            flow_name=plan.name, config=config, node_ids=[n.id for n in plan.nodes],
            edges=plan.edges, source_ids=[plan.nodes[i].id for i in plan.sources], warnings=warnings,
        ))
    return out


def _named(variant: Variant) -> str:
    return f"scenario {variant.name!r}" if variant.name else "variant"


# --- metrics by path ------------------------------------------------------------------------


def metric_table(results: Results) -> dict[str, Metric]:
    """Every number of ``results`` by its METRIC path (``funnel.sqls``,
    ``nodes.sdr_handoff.wait_days``, ``time_to.sql.p90``, ``edges.a->b.count``).

    Built from whatever mappings of metrics the results hold, so sections added later
    (money: ``channels.X.roi``, ``totals.roi``) have paths without a change here.
    """
    table: dict[str, Metric] = {}
    for spec in fields(results):
        value = getattr(results, spec.name)
        if isinstance(value, Mapping):
            table.update(_leaves(value, spec.name))
    for edge in results.edges:
        table.setdefault(f"edges.{edge.source}->{edge.target}.count", edge.count)
    return table


def _leaves(value: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Metric]]:
    for key, item in value.items():
        if isinstance(item, Metric):
            yield f"{prefix}.{key}", item
        elif isinstance(item, Mapping):
            yield from _leaves(item, f"{prefix}.{key}")


_GOAL = re.compile(r"^\s*(\S+)\s*(<=|>=|<|>)\s*(\S+)\s*$")


@dataclass(frozen=True)
class Goal:
    """``METRIC OP X``: a number the variant must meet with 95 % confidence."""

    metric: str
    op: str
    bound: float

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.bound:g}"

    def met_by(self, metric: Metric | None) -> bool:
        """Whether the whole 95 % interval is on the right side of the bound: the upper
        end for ``<=``/``<``, the lower end for ``>=``/``>``."""
        if metric is None or metric.mean is None:
            return False
        low, high = metric.ci95
        if self.op in ("<=", "<"):
            return high is not None and (high <= self.bound if self.op == "<=" else high < self.bound)
        return low is not None and (low >= self.bound if self.op == ">=" else low > self.bound)


def parse_goal(text: str) -> Goal:
    """The goal of ``"METRIC OP X"`` (OP one of ``<= < >= >``); SimulationError if bad."""
    match = _GOAL.match(text or "")
    number = None
    if match:
        try:
            number = float(match.group(3))
        except ValueError:
            number = None
    if match is None or number is None or not math.isfinite(number):
        raise SimulationError(
            f"--goal {text!r}: write METRIC OP NUMBER, such as \"nodes.sdr_handoff.wait_days <= 0.0035\""
        )
    return Goal(match.group(1), match.group(2), number)


def goal_metric(goal: Goal, results: Results) -> Metric:
    """The metric a goal reads; SimulationError naming close paths if there is none."""
    import difflib

    table = metric_table(results)
    if goal.metric not in table:
        close = difflib.get_close_matches(goal.metric, list(table), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise SimulationError(f"--goal: the results have no metric {goal.metric!r}{hint}")
    return table[goal.metric]
