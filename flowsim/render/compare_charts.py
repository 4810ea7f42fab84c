"""Charts of what-if runs: scenarios side by side, and a sweep's metric over its grid.

Each function builds a matplotlib :class:`~matplotlib.figure.Figure` with the
object-oriented API (never ``pyplot``, whose global registry is not thread-safe): the
window embeds it in a ``FigureCanvasQTAgg``, and ``figure.savefig`` writes SVG or PNG.
Colours come from the flow's theme, so charts and diagrams look alike.
"""

from __future__ import annotations

from typing import Any, Sequence

from matplotlib.figure import Figure

from flowsim.render.theme import LIGHT, Theme
from flowsim.sim.whatif import metric_table

__all__ = ["KEY_METRICS", "comparison_figure", "sweep_figure", "sweep_heatmap", "metric_label"]

#: The numbers a comparison chart shows by default, when the results have them.
KEY_METRICS = ("funnel.sqls", "funnel.customers", "time_to.sql.mean")
_SERIES = ("#4A90D9", "#EC407A", "#26A69A", "#FFA726", "#AB47BC", "#5C6BC0", "#43A047", "#8D6E63")
_LABELS = {
    "funnel.arrivals": "arrivals", "funnel.leads": "leads", "funnel.mqls": "MQLs", "funnel.sqls": "SQLs",
    "funnel.customers": "customers", "time_to.sql.mean": "days from lead to SQL (mean)",
    "time_to.customer.mean": "days from lead to customer (mean)",
}


def metric_label(path: str) -> str:
    """How a chart names a METRIC path: ``SQLs``, ``sdr_handoff: wait (days)``."""
    if path in _LABELS:
        return _LABELS[path]
    parts = path.split(".")
    if parts[0] == "nodes" and len(parts) == 3:
        return f"{parts[1]}: {parts[2].replace('_days', ' (days)').replace('_', ' ')}"
    return path


def _style(fig: Figure, theme: Theme) -> None:
    fig.set_facecolor(theme.background)
    for ax in fig.axes:
        ax.set_facecolor(theme.card)
        for spine in ax.spines.values():
            spine.set_color(theme.card_border)
        ax.tick_params(colors=theme.muted, labelsize=8)
        ax.title.set_color(theme.text)
        ax.xaxis.label.set_color(theme.muted)
        ax.yaxis.label.set_color(theme.muted)
        ax.grid(True, axis="y", color=theme.grid, linewidth=0.8)
        ax.set_axisbelow(True)


def comparison_figure(comparison: Any, metrics: Sequence[str] = KEY_METRICS, *, theme: Theme = LIGHT,
                      size: tuple[float, float] = (9.0, 3.2)) -> Figure:
    """One panel per metric: each scenario's mean as a bar, its 95 % interval as a whisker;
    a filled marker above a bar whose paired difference from the baseline is significant."""
    names = list(comparison.results)
    tables = {name: metric_table(r) for name, r in comparison.results.items()}
    shown = [m for m in metrics if any(m in t for t in tables.values())]
    fig = Figure(figsize=size, layout="constrained")
    axes = fig.subplots(1, max(1, len(shown)), squeeze=False)[0]
    for ax, path in zip(axes, shown):
        means, lows, highs = [], [], []
        for name in names:
            m = tables[name].get(path)
            mean = m.mean if m is not None and m.mean is not None else float("nan")
            low, high = (m.ci95 if m is not None and m.ci95[0] is not None else (mean, mean))
            means.append(mean)
            lows.append(mean - low)
            highs.append(high - mean)
        xs = list(range(len(names)))
        colors = [_SERIES[i % len(_SERIES)] for i in xs]
        ax.bar(xs, means, color=colors, alpha=0.85, width=0.65)
        ax.errorbar(xs, means, yerr=[lows, highs], fmt="none", ecolor=theme.text, capsize=4, linewidth=1.2)
        for x, name in zip(xs[1:], names[1:]):
            diff = comparison.diffs.get(name, {}).get(path)
            if diff is not None and diff.significant:
                top = means[x] + highs[x]
                ax.annotate("*", (x, top), ha="center", va="bottom", color=theme.alert, fontsize=12,
                            fontweight="bold")
        ax.set_xticks(xs, [_short(n) for n in names], rotation=20 if len(names) > 3 else 0, ha="right" if len(names) > 3 else "center")
        ax.set_title(metric_label(path), fontsize=10)
    if not shown:
        axes[0].text(0.5, 0.5, "no numbers to show", ha="center", va="center", transform=axes[0].transAxes)
    _style(fig, theme)
    return fig


def _short(name: str, width: int = 18) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def sweep_figure(sweep: Any, metric: str, *, theme: Theme = LIGHT, size: tuple[float, float] = (7.0, 4.0)) -> Figure:
    """The metric over the first varied PATH: a line with its 95 % band, one line per
    combination of the other PATHs' values (:func:`sweep_heatmap` shows two PATHs as a
    grid instead); the goal as a dashed line and the best point ringed."""
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.subplots()
    first = sweep.vary[0]
    groups: dict[Any, list[tuple[Any, Any]]] = {}
    for index, (values, results) in enumerate(sweep.points):
        key = tuple((p, values[p]) for p in sweep.vary[1:])
        groups.setdefault(key, []).append((index, values[first], metric_table(results).get(metric)))
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for _, v, _ in groups[next(iter(groups))])
    for n, (key, rows) in enumerate(groups.items()):
        xs = [v for _, v, _ in rows] if numeric else list(range(len(rows)))
        means = [m.mean if m is not None and m.mean is not None else float("nan") for _, _, m in rows]
        lows = [m.ci95[0] if m is not None and m.ci95[0] is not None else float("nan") for _, _, m in rows]
        highs = [m.ci95[1] if m is not None and m.ci95[1] is not None else float("nan") for _, _, m in rows]
        color = _SERIES[n % len(_SERIES)]
        label = ", ".join(f"{p} = {v}" for p, v in key) or None
        ax.plot(xs, means, marker="o", color=color, label=label, linewidth=1.8)
        ax.fill_between(xs, lows, highs, color=color, alpha=0.18, linewidth=0)
        for (index, _, _), x, y in zip(rows, xs, means):
            if index == sweep.best:
                ax.plot([x], [y], marker="o", markersize=14, markerfacecolor="none",
                        markeredgecolor=theme.alert, markeredgewidth=2, label="best")
    rows = groups[next(iter(groups))]
    if not numeric:
        ax.set_xticks(list(range(len(rows))), [str(v) for _, v, _ in rows])
    elif len(rows) <= 12:  # the values swept, not a ruler's in-between steps (1.25 SDRs)
        ax.set_xticks([v for _, v, _ in rows])
    if sweep.goal is not None and sweep.goal.metric == metric:
        ax.axhline(sweep.goal.bound, color=theme.alert, linestyle="--", linewidth=1, label=f"goal {sweep.goal.op} {sweep.goal.bound:g}")
    ax.set_xlabel(first)
    ax.set_ylabel(metric_label(metric))
    if len(groups) > 1 or sweep.goal is not None:
        ax.legend(fontsize=8, frameon=False)
    _style(fig, theme)
    return fig


def sweep_heatmap(sweep: Any, metric: str, *, theme: Theme = LIGHT, size: tuple[float, float] = (7.0, 4.0)) -> Figure:
    """The metric's mean over a two-PATH grid as a heat map, each cell labelled with its
    value; the best point is outlined. Raises ValueError unless exactly two PATHs vary."""
    if len(sweep.vary) != 2:
        raise ValueError("a heat map needs exactly two varied paths")
    rows_path, cols_path = sweep.vary
    row_values = list(dict.fromkeys(v[rows_path] for v, _ in sweep.points))
    col_values = list(dict.fromkeys(v[cols_path] for v, _ in sweep.points))
    grid = [[float("nan")] * len(col_values) for _ in row_values]
    best_cell = None
    for index, (values, results) in enumerate(sweep.points):
        r, c = row_values.index(values[rows_path]), col_values.index(values[cols_path])
        m = metric_table(results).get(metric)
        grid[r][c] = m.mean if m is not None and m.mean is not None else float("nan")
        if index == sweep.best:
            best_cell = (r, c)
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(grid, cmap="viridis", aspect="auto", origin="lower")
    finite = [v for row in grid for v in row if v == v]  # NaN != NaN
    middle = (min(finite) + max(finite)) / 2 if finite else 0.0
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if value == value:
                # viridis is dark at the low end and light at the high end
                ax.text(c, r, f"{value:.3g}", ha="center", va="center", fontsize=8,
                        color="white" if value < middle else theme.text)
    if best_cell is not None:
        r, c = best_cell
        ax.add_patch(_outline(c, r, theme.alert))
    ax.set_xticks(range(len(col_values)), [str(v) for v in col_values])
    ax.set_yticks(range(len(row_values)), [str(v) for v in row_values])
    ax.set_xlabel(cols_path)
    ax.set_ylabel(rows_path)
    ax.set_title(metric_label(metric), fontsize=10)
    fig.colorbar(image, ax=ax)
    _style(fig, theme)
    ax.grid(False)
    return fig


def _outline(x: float, y: float, color: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x - 0.5, y - 0.5), 1, 1, fill=False, edgecolor=color, linewidth=2.5)
