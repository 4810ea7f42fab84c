"""The backtest as a chart: each stage's actual weekly counts over the simulated 95 % band.

One :class:`matplotlib.figure.Figure` (object-oriented API, never pyplot), so the app
embeds it in the calibration dialog and the docs save the same picture. Weeks whose
actual count falls outside the band are drawn in the look's alert colour.
"""

from __future__ import annotations

from typing import Any

from flowsim.render.theme import KIND_COLORS, LIGHT, Theme

__all__ = ["backtest_figure"]

_TITLES = {"leads": "Leads", "mqls": "MQLs", "sqls": "SQLs", "customers": "Customers"}


def backtest_figure(result: Any, *, theme: Theme = LIGHT, width: float = 10.0, height: float = 6.0) -> Any:
    """A 2 × 2 figure, one panel a stage: band, simulated mean, actual points."""
    from matplotlib.dates import DateFormatter
    from matplotlib.figure import Figure

    from flowsim.calibrate.backtest import BACKTEST_STAGES

    figure = Figure(figsize=(width, height), dpi=100, facecolor=theme.background, layout="constrained")
    axes = figure.subplots(2, 2, sharex=True).ravel()
    band_colour = KIND_COLORS["handoff"]
    for ax, stage in zip(axes, BACKTEST_STAGES):
        weeks = [w for w in result.weeks if w.stage == stage]
        when = [w.start for w in weeks]
        ax.set_facecolor(theme.card)
        ax.fill_between(when, [w.low for w in weeks], [w.high for w in weeks], color=band_colour, alpha=0.18,
                        linewidth=0, label="simulated 95 % band", step="mid")
        ax.plot(when, [w.mean for w in weeks], color=band_colour, linewidth=1.6, label="simulated mean",
                drawstyle="steps-mid")
        inside = [w for w in weeks if w.inside]
        outside = [w for w in weeks if not w.inside]
        ax.plot([w.start for w in inside], [w.actual for w in inside], "o", color=theme.text, markersize=4,
                label="actual")
        if outside:
            ax.plot([w.start for w in outside], [w.actual for w in outside], "o", color=theme.alert, markersize=5,
                    label="actual, outside the band")
        share = result.coverage(stage)
        ax.set_title(f"{_TITLES[stage]} a week — {share:.0%} of weeks inside", color=theme.text, fontsize=11,
                     loc="left", fontfamily="DejaVu Sans")
        ax.set_ylim(bottom=0)
        ax.tick_params(colors=theme.muted, labelsize=9)
        ax.grid(axis="y", color=theme.grid, linewidth=0.8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_color(theme.card_border)
        ax.xaxis.set_major_formatter(DateFormatter("%b %d"))
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes[1:]:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False, fontsize=9,
                  labelcolor=theme.text)
    figure.suptitle("Backtest: actual weekly counts against the calibrated flow's simulation", color=theme.text,
                    fontsize=12, fontfamily="DejaVu Sans")
    return figure
