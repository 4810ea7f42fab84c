"""One replication: a SimPy environment running a :class:`~flowsim.sim.plan.Plan`.

Each arrival is a generator walking the graph, resumed by SimPy events (see ``Drive`` in
:mod:`flowsim.sim.driver`); at every node a lead takes these steps, each skipped if unset:

1. **enter** (counted);
2. **queue** for a server when the node has ``capacity`` (or ``assignment`` reps) and a
   ``service`` time: a FIFO ``simpy.Resource``; with ``patience`` a lead that waits
   longer goes cold and leaks; then the rep works it for a ``service`` draw;
3. **delay**: a ``delay`` draw;
4. **the kind's work**: capture converts or abandons (leak); score scores; segment sets
   ``segment``; nurture runs the drip; handoff accepts or not; sales marks an SQL; sink
   ends the lead with its outcome;
5. **leak** with probability ``leak``;
6. **leave** by the router: ``when`` edges in file order, else a ``probability`` edge,
   else the default edge, else the lead leaks here.

Nothing is simulated that cannot change a number. Leads meet only at servers, so a lead
keeps its own clock and works out delays, rules and nurture drips at once, with no SimPy
event; it waits for SimPy's clock only before it asks for a server (see
:meth:`Replication._walk`). A request for a free server is not waited for, a nurture drip
is settled in one step, and visits that abandon a capture form straight after a plain
source are settled in bulk with numpy (their count, time in the form and trace events are
exactly what one-by-one simulation would give).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import simpy

from flowsim.errors import RuleError
from flowsim.rules import Assigner
from flowsim.sim.arrivals import arrival_batches
from flowsim.sim.config import MAX_HOPS, Cancelled
from flowsim.sim.driver import Drive, catch_up, collector_paused
from flowsim.sim.leads import Lead, add_touch_points, refresh, score_at_node
from flowsim.sim.money import MoneyRun
from flowsim.sim.quantiles import TimeSketch
from flowsim.sim.plan import NodePlan, Plan, node_error, route_error, speed_multiplier
from flowsim.sim.series import DayBins
from flowsim.sim.streams import Purpose, blocks_of, dist_draws, generator, uniform_draws
from flowsim.sim.trace import Trace, TraceRecorder

__all__ = ["Replication"]

SOURCE, CAPTURE, SCORE, SEGMENT, NURTURE, HANDOFF, SALES, SINK = range(8)
_KINDS = {"source": SOURCE, "capture": CAPTURE, "score": SCORE, "segment": SEGMENT,
          "nurture": NURTURE, "handoff": HANDOFF, "sales": SALES, "sink": SINK}
#: Pieces a run is cut into, to report progress and notice a cancel.
STEPS = 50


class NodeRun:
    """A node's state in one replication: its queue, random streams and counters."""

    def __init__(self, plan: NodePlan, seed: int, rep: int) -> None:
        self.p = plan
        self.id = plan.id
        self.kind = _KINDS[plan.kind]
        rng = lambda purpose: generator(seed, rep, plan.id, purpose)  # noqa: E731
        self.choice = uniform_draws(rng(Purpose.CHOICE))
        self.delay = dist_draws(plan.delay, rng(Purpose.DELAY)) if plan.delay is not None else None
        self.queues = plan.queues
        self.service = dist_draws(plan.service, rng(Purpose.SERVICE)) if self.queues else None
        self.patience = (dist_draws(plan.patience, rng(Purpose.PATIENCE))
                         if self.queues and plan.patience is not None else None)
        self.leak = plan.leak
        self.router = plan.router
        self.route_random = plan.router is not None and plan.router.needs_random
        self.targets: tuple[NodeRun, ...] = ()
        self.direct: NodeRun | None = None
        self.resource: simpy.Resource | None = None
        self.assigner: Assigner | None = None
        self.assign_rng: Any = None
        self.reps: dict[str, simpy.Resource] = {}
        self.servers = 0
        self.exit_fn = plan.exit_rule.fn if plan.exit_rule is not None else None
        self.won = plan.outcome == "won"
        # counters: measured leads (born after the warm-up) only
        self.entered = self.exited = self.leaked = self.cold = self.unassigned = 0
        self.wait_sum = self.tin_sum = 0.0
        self.wait_n = self.tin_n = 0
        self.settled_in_progress = 0  # leads counted in progress before the end (bulk visits, clocks past it)
        # time integrals over [warm-up, end]: all leads
        self.area = self.q_area = self.busy = 0.0
        self.present = self.q_present = self.b_present = 0
        self.present_sum = self.q_sum = self.b_sum = 0.0
        # sources: the channel
        self.count = 0
        self.arrivals = self.leads = self.mqls = self.sqls = self.customers = 0
        self.cost = 0.0
        self.attrs: Callable[[], dict[str, Any]] | None = None
        self.base: dict[str, Any] = {}
        self.source_pos = 0  # position among the sources, for lead ids


class Replication:
    """Replication ``index`` of ``plan`` over ``days`` (statistics from ``warmup`` on)."""

    def __init__(self, plan: Plan, *, days: float, warmup: float, seed: int, index: int,
                 trace: TraceRecorder | None = None) -> None:
        self.plan = plan
        self.end = float(days)
        self.warmup = float(warmup)
        self.seed = seed
        self.index = index
        self.env = simpy.Environment()
        self.trace = trace
        self.nodes = [NodeRun(p, seed, index) for p in plan.nodes]
        self.edge_counts = [0] * len(plan.edges)
        self.live: dict[int, Lead] = {}
        self.looped = 0
        self.milestones: list[tuple[str, float, float | None, float | None, float | None]] | None = None
        self.times = {key: TimeSketch() for key in ("mql", "sql", "customer")}
        self.in_flow = DayBins(self.end)  # leads present (warm-up or not), day by day, for the charts
        self.n_sources = max(len(plan.sources), 1)
        self.reads_age = plan.reads_age
        self.reads_waited = plan.reads_waited
        self.money = (MoneyRun(plan.money, seed=seed, replication=index, node_ids=[p.id for p in plan.nodes],
                               n_sources=len(plan.sources), end=self.end)
                      if plan.money is not None else None)
        for node in self.nodes:
            self._wire(node)

    def _wire(self, node: NodeRun) -> None:
        p = node.p
        node.targets = tuple(self.nodes[i] for i in p.targets)
        router = p.router
        if router is not None and not router.conditions and not router.probabilities and router.default is not None:
            node.direct = node.targets[router.default]
        node.queue_days = DayBins(self.end) if node.queues else None  # its length, day by day
        if node.queues:
            if p.assignment is not None:
                node.assigner = Assigner.from_config(p.assignment, fields=self.plan.fields)
                node.assign_rng = generator(self.seed, self.index, p.id, Purpose.ASSIGN)
                for rep in node.assigner.reps:
                    if rep.available:
                        node.reps[rep.name] = simpy.Resource(self.env, capacity=1)
                node.servers = len(node.reps)
            else:
                node.resource = simpy.Resource(self.env, capacity=p.capacity)
                node.servers = p.capacity or 0
        if p.kind == "source":
            node.source_pos = self.plan.sources.index(p.index)
            gen = p.attributes
            rng = generator(self.seed, self.index, p.id, Purpose.ATTRIBUTES)
            if gen is not None and gen.fields:
                node.attrs = blocks_of(lambda: gen.draw_many(rng, 256))
            node.base = {"channel": p.id, "score": 0.0, "fit_score": 0.0, "engagement_score": 0.0,
                         "segment": None, "touches": 0, "age": 0.0, "waited": 0.0}

    # --- running ------------------------------------------------------------------------
    def run(self, progress: Callable[[float], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> dict[str, Any]:
        """Run to the end; return the raw counters (see :mod:`flowsim.sim.stats`)."""
        env = self.env
        for i in self.plan.sources:
            # Driven like the walks: an error a lead's rules raise while its source starts
            # it leaves env.run as it was raised (a SimPy process would rebuild it from
            # its message alone, losing the rule's line and column).
            env.timeout(0.0).callbacks.append(Drive(self._source(self.nodes[i])))
        with collector_paused():
            for step in range(1, STEPS + 1):
                if cancelled is not None and cancelled():
                    raise Cancelled()
                env.run(until=self.end * step / STEPS)
                if progress is not None:
                    progress(step / STEPS)
        return self._collect()

    def _source(self, src: NodeRun):
        """Start the source's arrivals (a generator run by :class:`~flowsim.sim.driver.Drive`).

        Arrival times come in numpy batches. Each lead starts on its own clock as soon as
        it is drawn, but never more than a progress step ahead of SimPy's clock, so that
        progress and cancel keep up however much a lead does on its own.
        """
        env = self.env
        stride = self.end / STEPS
        p = src.p
        rng = generator(self.seed, self.index, p.id, Purpose.ARRIVALS)
        bulk = None
        if p.fast_capture is not None:
            form = self.nodes[p.fast_capture]
            if form.p.conversion is not None and form.p.conversion < 1.0:
                bulk = (form, generator(self.seed, self.index, p.id, Purpose.VISITS))
        for times in arrival_batches(p.shape, rng, self.end):
            if bulk is not None:
                arrivals = self._bulk_visits(src, bulk[0], times, bulk[1])
            else:
                base = src.count
                src.count += len(times)
                arrivals = zip(times.tolist(), range(base, base + len(times)))
            ahead = env.now + stride
            for t, number in arrivals:
                if t > ahead:
                    yield env.timeout(t - env.now)
                    ahead = t + stride
                self._arrive(src, t, number, bulk is not None)
            last = float(times[-1])
            if last > env.now:
                yield env.timeout(last - env.now)

    def _arrive(self, src: NodeRun, t: float, number: int, preconverted: bool) -> None:
        if src.attrs is not None and src.p.traits_early:
            fields = src.attrs()
            fields.update(src.base)
        else:
            fields = dict(src.base)
        lead_id = number * self.n_sources + src.source_pos
        lead = Lead(lead_id, fields, src, t, t >= self.warmup)
        lead.preconverted = preconverted
        if lead.measured:
            src.arrivals += 1
        if self.trace is not None and number % self.trace.every == 0:
            lead.traced = True
            self.trace.add(lead_id, t, None, src.id, "arrive")
        if not src.p.visits:
            self._create(lead, t)
        self.live[lead_id] = lead
        self.in_flow.step(t, 1)
        Drive(self._walk(lead, src, t))(None)  # most leads finish here, before any event

    def _create(self, lead: Lead, now: float) -> None:
        lead.created = now
        ch = lead.channel
        if ch.attrs is not None and not ch.p.traits_early:
            lead.fields.update(ch.attrs())
        if lead.measured:
            ch.leads += 1
            ch.cost += ch.p.cost

    def _bulk_visits(self, src: NodeRun, form: NodeRun, times: np.ndarray, rng: Any) -> list[tuple[float, int]]:
        """Settle the visits of a batch that abandon ``form``; return the others."""
        n = len(times)
        base = src.count
        src.count += n
        converts = rng.random(n) < form.p.conversion
        gone = np.flatnonzero(~converts)
        if len(gone):
            t_in = times[gone]
            delay = form.p.delay
            d = np.asarray(delay.sample(rng, len(gone)), dtype=float) if delay is not None else np.zeros(len(gone))
            t_out = t_in + d
            W, end = self.warmup, self.end
            measured = t_in >= W
            done = t_out < end
            k = int(measured.sum())
            src.arrivals += k
            src.entered += k
            src.exited += k
            src.tin_n += k
            self.edge_counts[src.p.edge_index[0]] += k
            form.entered += k
            left = measured & done
            form.leaked += int(left.sum())
            form.tin_sum += float(d[left].sum())
            form.tin_n += int(left.sum())
            form.settled_in_progress += int((measured & ~done).sum())
            form.area += float(np.clip(np.minimum(t_out, end) - np.maximum(t_in, W), 0.0, None).sum())
            self.in_flow.spans(t_in, t_out)
            trace = self.trace
            if trace is not None:
                S, s = self.n_sources, src.source_pos
                for j, t, t2 in zip((base + gone).tolist(), t_in.tolist(), t_out.tolist()):
                    if j % trace.every == 0:
                        trace.add(j * S + s, t, None, src.id, "arrive")
                        trace.add(j * S + s, t, src.id, form.id, "move")
                        if t2 < end:
                            trace.add(j * S + s, t2, form.id, None, "leak")
        kept = np.flatnonzero(converts)
        return list(zip(times[kept].tolist(), (base + kept).tolist()))

    # --- the walk -----------------------------------------------------------------------
    def _walk(self, lead: Lead, node: NodeRun, now: float):
        """The lead's way through the flow from ``node`` at ``now`` (a generator run by
        :class:`~flowsim.sim.driver.Drive`).

        ``now`` is the lead's own clock, which may run ahead of SimPy's: what a lead does
        alone (delays, rules, a nurture drip) changes nothing another lead can see, so it
        is worked out at once, with no event. The walk waits for SimPy's clock to catch up
        only before it asks for a server, the one place leads meet. A lead whose clock
        passes the end stops where it is, in progress, as if its timeout never fired.
        """
        env = self.env
        W = self.warmup
        end = self.end
        fields = lead.fields
        measured = lead.measured
        trace = self.trace if lead.traced else None
        reads_waited, reads_age = self.reads_waited, self.reads_age
        edge_counts = self.edge_counts
        while True:
            lead.hops += 1
            if measured:
                node.entered += 1
            lead.node = node
            lead.entered_at = now
            node.present += 1
            node.present_sum += now if now > W else W
            if lead.hops > MAX_HOPS:
                self.looped += 1
                self._leak(lead, node, now, trace)
                return
            wait = 0.0
            if node.queues:
                if now > env.now:  # leads meet here: wait for SimPy's clock to catch up
                    yield env.timeout(catch_up(env.now, now))
                wait = yield from self._queue(lead, node, trace)
                if wait is None:
                    return
                now = env.now
            if reads_waited:
                fields["waited"] = wait
            if node.delay is not None:
                pause = node.delay()
                if pause > 0.0:
                    now += pause
                    if now >= end:
                        self._past_end(lead)
                        return
            if reads_age and lead.created is not None:
                fields["age"] = now - lead.created
            kind = node.kind
            p = node.p
            try:
                if kind == SCORE:
                    if p.scoring is not None:
                        score_at_node(lead, p.scoring, now)
                elif kind == SEGMENT:
                    if p.refresh:
                        refresh(lead, now)
                    segment = p.segmenter.segment_of(fields)
                    if segment is not None:
                        fields["segment"] = segment
                elif kind == NURTURE:
                    if p.touches:
                        now, unsubscribed = self._drip(lead, node, now)
                        if now >= end:
                            self._past_end(lead)
                            return
                        if unsubscribed:
                            self._leak(lead, node, now, trace)
                            return
                elif kind == CAPTURE:
                    if lead.preconverted:
                        lead.preconverted = False
                    elif p.conversion is not None and node.choice() >= p.conversion:
                        self._leak(lead, node, now, trace)
                        return
                    if lead.created is None:
                        self._create(lead, now)
                elif kind == HANDOFF:
                    if lead.mql_at is None and lead.created is not None:
                        lead.mql_at = lead.entered_at
                    chance = p.accept
                    if p.curve is not None:
                        chance *= speed_multiplier(p.curve, wait)
                    accepted = chance >= 1.0 or (chance > 0.0 and node.choice() < chance)
                    fields["accepted"] = accepted
                    if accepted and lead.sql_at is None and lead.created is not None:
                        lead.sql_at = now
                elif kind == SALES:
                    if lead.sql_at is None and lead.created is not None:
                        lead.sql_at = lead.entered_at
            except RuleError as err:
                raise node_error(p, err.message, err.line, err.column) from None
            if node.leak and node.choice() < node.leak:
                self._leak(lead, node, now, trace)
                return
            if kind == SINK:
                if measured:
                    node.exited += 1
                if node.won and lead.created is not None:
                    lead.won_at = now
                    if self.money is not None and measured and now < self.end:
                        self.money.won(lead.channel.source_pos, p.index, now)
                self._depart(lead, node, now)
                self._close(lead, now)
                if trace is not None:
                    trace.add(lead.id, now, node.id, None, "sink")
                return
            target = node.direct
            if target is not None:
                j = 0
            else:
                if p.refresh:
                    refresh(lead, now)
                try:
                    j = node.router.route(fields, node.choice() if node.route_random else 0.0)
                except RuleError as err:
                    raise route_error(node.p, fields, err) from None
                if j is None:
                    self._leak(lead, node, now, trace)
                    return
                target = node.targets[j]
            # leaving: the bookkeeping of _depart, inline on the busiest path
            t_in = lead.entered_at
            begin = t_in if t_in > W else W
            node.present -= 1
            node.present_sum -= begin
            if now > begin:
                node.area += now - begin
            if measured:
                node.exited += 1
                node.tin_sum += now - t_in
                node.tin_n += 1
                edge_counts[p.edge_index[j]] += 1
            if trace is not None:
                trace.add(lead.id, now, node.id, target.id, "move", p.edge_nth[j])
            node = target

    def _queue(self, lead: Lead, node: NodeRun, trace: TraceRecorder | None):
        """Wait for a server and be served; the wait, or None if the lead went cold."""
        env = self.env
        W = self.warmup
        now = env.now
        if node.assigner is not None:
            name = node.assigner.assign(lead.fields, node.assign_rng)
            if name is None:
                node.unassigned += lead.measured
                self._leak(lead, node, now, trace)
                return None
            resource = node.reps[name]
        else:
            resource = node.resource
        request = resource.request()
        wait = 0.0
        if not request.triggered:
            start = now if now > W else W
            node.q_present += 1
            node.q_sum += start
            node.queue_days.step(now, 1)
            if trace is not None:
                trace.add(lead.id, now, node.id, None, "queue")
            if node.patience is not None:
                yield request | env.timeout(node.patience())
            else:
                yield request
            t = env.now
            node.q_present -= 1
            node.q_sum -= start
            node.queue_days.step(t, -1)
            if t > start:
                node.q_area += t - start
            wait = t - now
            if not request.triggered:
                request.cancel()
                if lead.measured:
                    node.wait_sum += wait
                    node.wait_n += 1
                    node.cold += 1
                self._leak(lead, node, t, trace)
                return None
        if lead.measured:
            node.wait_sum += wait
            node.wait_n += 1
        t = env.now
        start = t if t > W else W
        node.b_present += 1
        node.b_sum += start
        if trace is not None:
            trace.add(lead.id, t, node.id, None, "start")
        yield env.timeout(node.service())
        resource.release(request)
        t = env.now
        node.b_present -= 1
        node.b_sum -= start
        if t > start:
            node.busy += t - start
        if trace is not None:
            trace.add(lead.id, t, node.id, None, "finish")
        return wait

    def _drip(self, lead: Lead, node: NodeRun, now: float) -> tuple[float, bool]:
        """The nurture stream from ``now``: when the lead leaves, and whether it unsubscribed.

        Touches come every ``every`` from entry; at each, the lead may unsubscribe (leak),
        else engages with probability ``engage`` (adding ``points``), is re-scored (with
        the nearest score node upstream, if any), and leaves at once if ``exit_when``
        holds. After the last touch it is exhausted.
        """
        p = node.p
        fields = lead.fields
        choice = node.choice
        exit_fn = node.exit_fn
        model = p.rescoring
        dynamic = model is not None and model.dynamic
        every, unsubscribe, engage, points = p.every, p.unsubscribe, p.engage, p.points
        needs_score = p.refresh
        age = self.reads_age and lead.created is not None
        touches = fields.get("touches") or 0
        t = now
        for k in range(1, p.touches + 1):
            t = now + k * every
            if t >= self.end:  # the run is over before this touch: nothing after it can count
                return t, False
            if unsubscribe and choice() < unsubscribe:
                return t, True
            touches += 1
            fields["touches"] = touches
            if age:
                fields["age"] = t - lead.created
            engaged = engage and choice() < engage
            if engaged:
                add_touch_points(lead, points, t)
            if model is not None and (k == 1 or dynamic):
                # the rules give the same points again unless they read what changes here
                score_at_node(lead, model, t)
            elif engaged or needs_score:
                refresh(lead, t)
            if exit_fn is not None:
                try:
                    if exit_fn(fields):
                        return t, False
                except Exception:
                    p.exit_rule(fields)  # raises the worded RuleError
                    raise
        return t, False

    # --- bookkeeping --------------------------------------------------------------------
    def _depart(self, lead: Lead, node: NodeRun, t: float) -> None:
        t_in = lead.entered_at
        start = t_in if t_in > self.warmup else self.warmup
        node.present -= 1
        node.present_sum -= start
        if t > start:
            node.area += t - start
        if lead.measured:
            node.tin_sum += t - t_in
            node.tin_n += 1

    def _leak(self, lead: Lead, node: NodeRun, t: float, trace: TraceRecorder | None) -> None:
        if lead.measured:
            node.leaked += 1
        self._depart(lead, node, t)
        self._close(lead, t)
        if trace is not None:
            trace.add(lead.id, t, node.id, None, "leak")

    def _past_end(self, lead: Lead) -> None:
        """Nothing can happen to a lead past the end: count it in progress now, let it go."""
        self._record(lead)  # while still live: an SQL in progress counts as open pipeline
        del self.live[lead.id]
        lead.node.settled_in_progress += lead.measured

    def _close(self, lead: Lead, t: float) -> None:
        del self.live[lead.id]
        self.in_flow.step(t, -1)
        self._record(lead)

    def _record(self, lead: Lead) -> None:
        """Count a measured lead's milestones reached before the end (MQL ⇐ SQL ⇐ won)."""
        created = lead.created
        if not lead.measured or created is None:
            return
        end = self.end
        ch = lead.channel
        won = lead.won_at if lead.won_at is not None and lead.won_at < end else None
        sql = lead.sql_at if lead.sql_at is not None and lead.sql_at < end else won
        mql = lead.mql_at if lead.mql_at is not None and lead.mql_at < end else sql
        node = lead.node
        if node is not None and (node.kind == HANDOFF or node.kind == SALES) and lead.entered_at < end \
                and lead.id in self.live:  # still being worked at the end: it reached the stage on entry
            if node.kind == SALES and sql is None:
                sql = lead.entered_at
            if mql is None:
                mql = sql if sql is not None else lead.entered_at
        if self.milestones is not None:  # (channel, created, MQL, SQL, won) for backtests
            self.milestones.append((ch.id, created, mql, sql, won))
        if mql is not None:
            ch.mqls += 1
            self.times["mql"].append(mql - created)
        if sql is not None:
            ch.sqls += 1
            self.times["sql"].append(sql - created)
            if won is None and self.money is not None and lead.id in self.live:
                self.money.open_sql(ch.source_pos)  # an SQL still being worked: pipeline
        if won is not None:
            ch.customers += 1
            self.times["customer"].append(won - created)

    def _collect(self) -> dict[str, Any]:
        from flowsim.sim.stats import collect  # the numbers' shape lives with the statistics

        return collect(self)

    def finish_trace(self) -> Trace | None:
        return self.trace.finish(self.end) if self.trace is not None else None
