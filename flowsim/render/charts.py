"""Charts of a run's results, as matplotlib Figures: one builder per chart.

The results panel (through ``FigureCanvasQTAgg``) and the report (SVG, then PDF) both
call :func:`draw` on a Figure of their own, so a chart looks the same in the window and on
paper. Only matplotlib's object-oriented API is used: ``pyplot`` keeps a global registry
of figures that leaks and is not thread-safe. Colours and the font come from the look
(:mod:`flowsim.render.theme`, :data:`~flowsim.render.text.FONT_FAMILY`), so a chart
matches the canvas beside it.

Every chart shows 95 % intervals where its numbers have one; the intervals are those of
the results (clipped at 0, as in the JSON and the CLI table).
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from flowsim.model.flow import Flow
from flowsim.render.look import node_color
from flowsim.render.sankey import draw_sankey
from flowsim.render.text import FONT_FAMILY, text_width
from flowsim.render.theme import LIGHT, Theme

__all__ = ["CHARTS", "Chart", "draw", "figure", "svg_text", "style", "count", "span"]

FUNNEL = (
    ("arrivals", "Arrivals", None),
    ("leads", "Leads", "arrival_to_lead"),
    ("mqls", "MQLs", "lead_to_mql"),
    ("sqls", "SQLs", "mql_to_sql"),
    ("customers", "Customers", "sql_to_customer"),
)
MILESTONES = (("mql", "MQL"), ("sql", "SQL"), ("customer", "customer"))
#: The funnel's stages, first to last: blue to green, the canvas's source and sink colours.
_STAGE_COLORS = ("#4A90D9", "#26A69A", "#AB47BC", "#5C6BC0", "#43A047")


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    build: Callable[[Figure, Any, Flow, Theme], None]


@contextlib.contextmanager
def style(theme: Theme = LIGHT) -> Iterator[None]:
    """matplotlib settings of the look, for building a chart and for saving it."""
    with rc_context({
        "font.family": FONT_FAMILY,
        "font.size": 9,
        "axes.titlesize": 10.5,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.edgecolor": theme.card_border,
        "axes.labelcolor": theme.muted,
        "axes.facecolor": theme.card,
        "figure.facecolor": theme.card,
        "savefig.facecolor": theme.card,
        "text.color": theme.text,
        "xtick.color": theme.muted,
        "ytick.color": theme.muted,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "grid.color": theme.grid,
        "legend.frameon": False,
        # SVG text stays text: the report can be searched, copied and read by a parser
        "svg.fonttype": "none",
        "svg.hashsalt": "flowsim",
    }):
        yield


def count(value: float | None) -> str:
    """A count as a marketer reads it: ``58,080``, ``164``, ``16.8``."""
    if value is None:
        return "–"
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def money(value: float | None) -> str:
    return "–" if value is None else f"${value:,.0f}"


def span(days: float | None) -> str:
    """A time span in the unit that reads best: ``12 min``, ``3.4 h``, ``2.1 d``."""
    if days is None:
        return "–"
    if days < 1 / 24:
        return f"{days * 1440:.0f} min"
    if days < 1:
        return f"{days * 24:.1f} h"
    return f"{days:.1f} d"


def _titles(flow: Flow) -> dict[str, str]:
    return {node.id: node.title for node in flow.nodes}


def _colors(flow: Flow) -> dict[str, str]:
    return {node.id: node_color(node) for node in flow.nodes}


def _ci_error(metrics: list[Any]) -> np.ndarray:
    """matplotlib's ``xerr``/``yerr`` (distances below and above) of metrics' intervals."""
    low = [(m.mean - m.ci95[0]) if m.mean is not None and m.ci95[0] is not None else 0.0 for m in metrics]
    high = [(m.ci95[1] - m.mean) if m.mean is not None and m.ci95[1] is not None else 0.0 for m in metrics]
    return np.array([low, high])


def _empty(ax, theme: Theme, text: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", color=theme.muted, transform=ax.transAxes)


# --- the charts --------------------------------------------------------------------------


def funnel(fig: Figure, results: Any, flow: Flow, theme: Theme) -> None:
    """Arrivals → leads → MQLs → SQLs → customers: centred bars, labelled with the count,
    its interval and the stage's conversion. Each stage is often a few per cent of the one
    before, so widths follow the count on a log scale (said under the chart): on a linear
    one everything after the arrivals would be a sliver."""
    ax = fig.add_subplot()
    ax.set_title("Funnel")
    f = results.funnel
    values = [f[key].mean or 0.0 for key, _, _ in FUNNEL]
    top = max(values) or 1.0
    y = np.arange(len(FUNNEL))[::-1]
    shown = [top * np.log10(1 + v) / np.log10(1 + top) if v > 0 else 0.0 for v in values]
    bars = ax.barh(y, shown, left=[-s / 2 for s in shown], height=0.72, color=_STAGE_COLORS,
                   edgecolor="none", gid="funnel-bars")
    for bar, value in zip(bars, values):
        bar.flowsim_value = value  # the count the bar stands for (its width is on a log scale)
    numbers = []
    for key, label, rate in FUNNEL:
        m = f[key]
        ci = "" if m.ci95[0] is None or m.ci95[0] == m.ci95[1] else f"  ({count(m.ci95[0])}–{count(m.ci95[1])})"
        share = ""
        if rate is not None and f[rate].mean is not None:
            before = FUNNEL[[k for k, _, _ in FUNNEL].index(key) - 1][1]
            share = f"{f[rate].mean:.1%} of {before if before[:3].isupper() else before.lower()}"
        numbers.append((label, count(m.mean) + ci, share))
    # Room for the names and numbers beside the bars, measured at the figure's size, so a
    # narrow panel narrows the bars rather than cutting the numbers off.
    px = 9 / 72 * fig.dpi
    names = max(text_width(name, px, bold=True) for name, _, _ in numbers) + 12
    texts = max(text_width(text, px) for _, text, _ in numbers) + 14
    bars_px = max(fig.get_figwidth() * fig.dpi * 0.96 - names - texts, 40.0)
    gap = top * 0.03
    for (label, text, share), yy in zip(numbers, y):
        ax.text(-top / 2 - gap, yy, label, ha="right", va="center", fontweight="bold")
        ax.text(top / 2 + gap, yy + 0.13, text, ha="left", va="center")
        if share:
            ax.text(top / 2 + gap, yy - 0.2, share, ha="left", va="center", color=theme.muted, fontsize=8)
    ax.set_xlim(-top / 2 - top * names / bars_px, top / 2 + top * texts / bars_px)
    ax.set_ylim(-0.6, len(FUNNEL) - 0.4)
    ax.set_axis_off()
    ax.text(0.0, 0.0, "bar widths on a log scale", transform=ax.transAxes, ha="left", va="top",
            fontsize=7.5, color=theme.muted)


def flow_sankey(fig: Figure, results: Any, flow: Flow, theme: Theme) -> None:
    """Where leads go: node to node, every edge a stream as wide as its count, every
    node's leaks a red stream of their own; streams carry ``gid`` ``edge-<index>`` or
    ``leak-<node id>`` (the panel selects the edge on the canvas on a click)."""
    ax = fig.add_subplot()
    ax.set_title("Where leads go")
    draw_sankey(ax, results, flow, theme)


def leakage(fig: Figure, results: Any, flow: Flow, theme: Theme) -> None:
    """Leads lost per node, most first: went cold in the queue, and every other leak."""
    ax = fig.add_subplot()
    ax.set_title("Leakage by node")
    titles = _titles(flow)
    rows = [(nid, m) for nid, m in results.nodes.items() if (m["leaked"].mean or 0) > 0]
    if not rows:
        _empty(ax, theme, "No lead leaked in this run")
        return
    rows.sort(key=lambda row: -(row[1]["leaked"].mean or 0))
    rows = rows[:10]
    y = np.arange(len(rows))[::-1]
    leaked = [m["leaked"].mean for _, m in rows]
    cold = [m["cold"].mean or 0.0 for _, m in rows]
    other = [lk - c for lk, c in zip(leaked, cold)]
    ax.barh(y, other, color=theme.alert, alpha=0.85, height=0.6, label="leaked", gid="leak-bars")
    ax.barh(y, cold, left=other, color="#F79009", height=0.6, label="went cold waiting", gid="cold-bars")
    ax.errorbar(leaked, y, xerr=_ci_error([m["leaked"] for _, m in rows]), fmt="none",
                ecolor=theme.text, elinewidth=1, capsize=3)
    top = max(leaked)
    for yy, (nid, m) in zip(y, rows):
        entered = m["entered"].mean or 0.0
        share = f"  {m['leaked'].mean / entered:.0%} of entries" if entered else ""
        ax.text(m["leaked"].ci95[1] or m["leaked"].mean, yy, f"  {count(m['leaked'].mean)}{share}",
                va="center", ha="left", fontsize=8.5)
    ax.set_yticks(y, [titles.get(nid, nid) for nid, _ in rows])
    ax.set_xlim(0, top * 1.45)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel("leads lost per run")
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    if any(cold):
        ax.legend(loc="lower right", fontsize=8)


def time_to(fig: Figure, results: Any, flow: Flow, theme: Theme) -> None:
    """Days from a lead's creation to MQL, SQL and customer: a histogram each (leads per
    run, so its bars add up to the milestone's count), median and p90 marked."""
    axes = fig.subplots(1, 3)
    fig.suptitle("Time to MQL, SQL and customer", x=0.01, ha="left", fontweight="bold", fontsize=10.5)
    runs = results.config.replications
    for ax, (key, label) in zip(axes, MILESTONES):
        ax.set_title(f"lead → {label}", fontsize=9, fontweight="normal", color=theme.muted)
        pooled = _pooled(results, key)
        if pooled is None or not pooled[1].sum():
            _empty(ax, theme, f"no {label} in this run")
            continue
        samples, weights = pooled
        top = _quantile(samples, weights, 0.99) if weights.sum() > 20 else float(samples.max())
        top = max(top, 1e-3)
        edges = np.linspace(0.0, top, 25)
        edges[-1] = max(float(samples.max()), top)  # the last bar takes the long tail
        per_run, _ = np.histogram(samples, bins=edges, weights=weights)
        # one filled step patch rather than a rectangle a bar: a fifth of the drawing time
        ax.stairs(per_run / runs, edges, fill=True, color=theme.selection, alpha=0.85, gid=f"hist-{key}")
        t = results.time_to[key]
        for stat, name, dash, height in (("median", "median", "-", 1.0), ("p90", "p90", "--", 0.88)):
            value = t[stat].mean
            if value is not None:
                ax.axvline(value, color=theme.text, linestyle=dash, linewidth=1.2, gid=f"{stat}-{key}")
                # past the middle, the label goes left of its line so it stays in the plot
                right = value > top * 0.55
                ax.text(value, height, f"{name} {span(value)} " if right else f" {name} {span(value)}",
                        transform=ax.get_xaxis_transform(), va="top", ha="right" if right else "left",
                        fontsize=8, color=theme.text,
                        bbox={"boxstyle": "square,pad=0.1", "facecolor": theme.card, "edgecolor": "none", "alpha": 0.8})
        ax.set_xlim(0, top * 1.05)
        ax.set_xlabel("days")
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(4))
    axes[0].set_ylabel("leads per run")


def _quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, q * cumulative[-1])])


def _pooled(results: Any, key: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Every replication's times to ``key`` as one (values, weights) pair."""
    parts = results.time_samples.get(key) if results.time_samples else None
    if not parts:
        return None
    values = np.concatenate([np.asarray(v, dtype=float) for v, _ in parts])
    weights = np.concatenate([np.asarray(w, dtype=float) for _, w in parts])
    return values, weights


def over_time(fig: Figure, results: Any, flow: Flow, theme: Theme) -> None:
    """Leads in the flow, and each queue's length, day by day (means over replications
    with their 95 % band); the warm-up is shaded."""
    series = results.in_flow
    axes = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2)) if results.queues else [fig.add_subplot()]
    axes[0].set_title("Leads in the flow over time")
    if series is None or not series.mean:
        _empty(axes[0], theme, "No series in these results")
        return
    days = np.arange(len(series.mean)) + 0.5
    colors = _colors(flow)
    titles = _titles(flow)
    axes[0].fill_between(days, series.low, series.high, color=theme.selection, alpha=0.18, linewidth=0)
    axes[0].plot(days, series.mean, color=theme.selection, linewidth=1.8, gid="in-flow")
    axes[0].set_ylabel("in the flow")
    if len(axes) > 1:
        ax = axes[1]
        for nid, s in results.queues.items():
            ax.fill_between(days, s.low, s.high, color=colors.get(nid, theme.edge), alpha=0.15, linewidth=0)
            ax.plot(days, s.mean, color=colors.get(nid, theme.edge), linewidth=1.5, label=titles.get(nid, nid),
                    gid=f"queue-{nid}")
        ax.set_ylabel("waiting")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper left", fontsize=8, ncols=min(3, len(results.queues)))
    warmup = results.config.warmup_days
    for ax in axes:
        ax.set_ylim(bottom=0)
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        ax.yaxis.set_major_locator(MaxNLocator(4, integer=False))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 10 or v == 0 else f"{v:.2g}"))
        if warmup > 0:
            ax.axvspan(0, warmup, color=theme.muted, alpha=0.12, linewidth=0, gid="warmup")
    if warmup > 0:
        axes[0].text(warmup / 2, 0.97, "warm-up", transform=axes[0].get_xaxis_transform(),
                     ha="center", va="top", fontsize=8, color=theme.muted)
    axes[-1].set_xlim(0, len(series.mean))
    axes[-1].set_xlabel("day")


def channels(fig: Figure, results: Any, flow: Flow, theme: Theme) -> None:
    """Leads, cost per lead, cost per SQL and customers of every channel, side by side."""
    axes = fig.subplots(1, 4, sharey=True)
    fig.suptitle("Channels", x=0.01, ha="left", fontweight="bold", fontsize=10.5)
    titles, colors = _titles(flow), _colors(flow)
    ids = list(results.channels)
    if not ids:
        for ax in axes:
            ax.set_axis_off()
        return
    y = np.arange(len(ids))[::-1]
    per_lead = []
    for cid in ids:
        m = results.channels[cid]
        per_lead.append(m["cost"].mean / m["leads"].mean if m["leads"].mean and m["cost"].mean is not None else None)
    panels = (
        ("leads", "leads", [results.channels[c]["leads"] for c in ids], count),
        ("cost_per_lead", "cost per lead", per_lead, money),
        ("cost_per_sql", "cost per SQL", [results.channels[c]["cost_per_sql"] for c in ids], money),
        ("customers", "customers", [results.channels[c]["customers"] for c in ids], count),
    )
    for ax, (key, label, metrics, fmt) in zip(axes, panels):
        ax.set_title(label, fontsize=9, fontweight="normal", color=theme.muted)
        plain = [m if isinstance(m, (int, float)) or m is None else m.mean for m in metrics]
        values = [v or 0.0 for v in plain]
        ax.barh(y, values, color=[colors.get(c, theme.edge) for c in ids], height=0.6, gid=f"channels-{key}")
        objs = [m for m in metrics if not isinstance(m, (int, float)) and m is not None]
        if len(objs) == len(metrics):
            ax.errorbar(values, y, xerr=_ci_error(objs), fmt="none", ecolor=theme.text, elinewidth=1, capsize=2)
        top = max([v for v in values] + [1e-9])
        ends = [m.ci95[1] if not isinstance(m, (int, float)) and m is not None and m.ci95[1] is not None else None
                for m in metrics]
        for yy, v, raw, end in zip(y, values, plain, ends):
            at = top * 0.02 if raw is None else max(v, end or v)
            ax.text(at, yy, "  " + fmt(raw), va="center", ha="left", fontsize=8)
        ax.set_xlim(0, top * 1.6)
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
    axes[0].set_yticks(y, [titles.get(c, c) for c in ids])
    for ax in axes[1:]:
        ax.tick_params(left=False)


CHARTS: tuple[Chart, ...] = (
    Chart("funnel", "Funnel", funnel),
    Chart("sankey", "Where leads go", flow_sankey),
    Chart("leakage", "Leakage by node", leakage),
    Chart("time_to", "Time to MQL, SQL and customer", time_to),
    Chart("over_time", "Leads in the flow over time", over_time),
    Chart("channels", "Channels", channels),
)
_BY_KEY = {chart.key: chart for chart in CHARTS}


def draw(key: str, fig: Figure, results: Any, flow: Flow, theme: Theme = LIGHT) -> Figure:
    """Clear ``fig`` and draw the chart ``key`` (one of :data:`CHARTS`) of ``results``."""
    chart = _BY_KEY[key]
    fig.clear()
    with style(theme):
        fig.set_facecolor(theme.card)
        chart.build(fig, results, flow, theme)
    for ax in fig.axes:
        for text in ax.texts:
            if text.get_transform() == ax.transData:
                # placed inside the axes' limits on purpose: the layout engine need not
                # measure them, which halves its work on the text-heavy charts
                text.set_in_layout(False)
    return fig


def figure(key: str, results: Any, flow: Flow, theme: Theme = LIGHT, size: tuple[float, float] = (7.5, 3.2)) -> Figure:
    """A new Figure (``size`` in inches) holding the chart ``key``."""
    fig = Figure(figsize=size, layout="constrained")
    return draw(key, fig, results, flow, theme)


def svg_text(fig: Figure, prefix: str, theme: Theme = LIGHT) -> str:
    """The figure as an ``<svg>`` element to put inline in a page: no XML prologue, no
    DOCTYPE, and every id prefixed with ``prefix`` so several charts share a page."""
    out = io.StringIO()
    with style(theme):
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", text)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', text)
