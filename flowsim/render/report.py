"""The report of a run: one self-contained HTML page, or a PDF made from the same SVGs.

The page holds the flow's diagram with the run's overlay, the run's settings and seed,
the headline numbers, every chart of :mod:`flowsim.render.charts` as inline SVG and the
tables of :mod:`flowsim.render.tables`. It needs nothing from the network: styles are
inline, charts and diagram are inline SVG, no script. The PDF
(:mod:`flowsim.render.reportpdf`) draws the same SVGs with cairo, so no browser is needed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from flowsim.errors import FlowError
from flowsim.model.flow import Flow
from flowsim.render.charts import CHARTS, figure, svg_text
from flowsim.render.tables import Kpi, Table, kpis, results_tables
from flowsim.render.text import FONT_FAMILY
from flowsim.render.theme import LIGHT, Theme

__all__ = ["ReportParts", "report_parts", "html_report", "write_report", "REPORT_SUFFIXES", "CHART_SIZE"]

REPORT_SUFFIXES = (".html", ".htm", ".pdf")
#: A chart's size on the page, in inches: a full A4 text width, a third of its height.
CHART_SIZE = (7.4, 3.0)


@dataclass(frozen=True)
class ReportParts:
    """Everything a report shows, drawn once for both HTML and PDF."""

    title: str
    settings: tuple[tuple[str, str], ...]
    kpis: tuple[Kpi, ...]
    diagram_svg: str
    charts: tuple[tuple[str, str, str], ...]   # (key, title, inline svg)
    tables: tuple[Table, ...]
    warnings: tuple[str, ...]


def _diagram(flow: Flow, results: Any, theme: Theme) -> str:
    from flowsim.render.overlay import run_overlay
    from flowsim.render.scene import build_scene
    from flowsim.render.svg import scene_to_svg

    stats, volumes = run_overlay(results, flow)
    scene = build_scene(flow, theme, stats=stats, volumes=volumes)
    text = scene_to_svg(scene, title=flow.name)
    return text[text.index("<svg"):]


def _strip_metadata(svg: str) -> str:
    # matplotlib's RDF block names Dublin Core by URL: not a fetch, but no page of ours
    # should carry an outside address it does not need
    return re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)


def report_parts(flow: Flow, results: Any, theme: Theme = LIGHT) -> ReportParts:
    """Draw the diagram and every chart of ``results`` and format the tables."""
    c = results.config
    versions = results.versions
    settings = (
        ("Flow", results.flow_name or flow.name or "flow"),
        ("Days simulated", f"{c.days:g}"),
        ("Warm-up (left out of the numbers)", f"{c.warmup_days:g} days"),
        ("Replications", f"{c.replications}"),
        ("Seed", f"{c.seed}"),
        ("Intervals", "95 % Student t over replications, clipped at 0"),
        ("Made with", ", ".join(f"{k} {v}" for k, v in versions.items())),
    )
    charts = []
    for i, chart in enumerate(CHARTS):
        fig = figure(chart.key, results, flow, theme, size=CHART_SIZE)
        charts.append((chart.key, chart.title, _strip_metadata(svg_text(fig, f"c{i}", theme))))
    return ReportParts(
        title=results.flow_name or flow.name or "Flow",
        settings=settings,
        kpis=tuple(kpis(results)),
        diagram_svg=_diagram(flow, results, theme),
        charts=tuple(charts),
        tables=tuple(results_tables(results, flow)),
        warnings=tuple(results.warnings),
    )


_CSS = """
body{font-family:'%(font)s',Verdana,sans-serif;color:%(text)s;background:%(bg)s;margin:0}
main{max-width:1060px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:26px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px}
.run{color:%(muted)s;margin:0 0 18px}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin:0 0 18px}
.kpi{background:%(card)s;border:1px solid %(border)s;border-radius:10px;padding:10px 16px;min-width:130px}
.kpi .value{font-size:24px;font-weight:bold}
.kpi .label,.kpi .ci{color:%(muted)s;font-size:12px}
figure{margin:0;background:%(card)s;border:1px solid %(border)s;border-radius:10px;padding:10px;overflow:auto}
figure svg{max-width:100%%;height:auto;display:block;margin:0 auto}
table{border-collapse:collapse;width:100%%;background:%(card)s;font-size:13px}
th,td{padding:4px 10px;border-bottom:1px solid %(grid)s;text-align:left}
th{color:%(muted)s;font-weight:normal}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.warnings{color:%(alert)s}
"""


def _table_html(table: Table) -> str:
    def cell(tag: str, text: str, numeric: bool) -> str:
        attr = ' class="num"' if numeric else ""
        return f"<{tag}{attr}>{escape(text)}</{tag}>"

    head = "".join(cell("th", h, n) for h, n in zip(table.headers, table.numeric))
    rows = "".join(
        "<tr>" + "".join(cell("td", text, n) for text, n in zip(row, table.numeric)) + "</tr>"
        for row in table.rows
    )
    return (f'<section class="table" id="table-{table.key}"><h2>{escape(table.title)}</h2>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>")


def html_report(parts: ReportParts, theme: Theme = LIGHT) -> str:
    """The report as one HTML document (UTF-8 text)."""
    css = _CSS % {"font": FONT_FAMILY, "text": theme.text, "bg": theme.background, "muted": theme.muted,
                  "card": theme.card, "border": theme.card_border, "grid": theme.grid, "alert": theme.alert}
    settings = dict(parts.settings)
    run_line = (f"{escape(settings['Days simulated'])} days ({escape(settings['Warm-up (left out of the numbers)'])} "
                f"warm-up), {escape(settings['Replications'])} replications, seed {escape(settings['Seed'])}")
    kpi_html = "".join(
        f'<div class="kpi" data-metric="{escape(k.path)}" data-mean="{"" if k.mean is None else repr(k.mean)}">'
        f'<div class="value">{escape(k.text)}</div><div class="label">{escape(k.label)}</div>'
        f'<div class="ci">{escape(k.interval and "95 %: " + k.interval)}</div></div>'
        for k in parts.kpis
    )
    settings_rows = "".join(f"<tr><th>{escape(a)}</th><td>{escape(b)}</td></tr>" for a, b in parts.settings)
    charts = "".join(
        f'<section class="chart" id="chart-{key}"><h2>{escape(title)}</h2><figure>{svg}</figure></section>'
        for key, title, svg in parts.charts
    )
    warnings = "".join(f"<li>{escape(w)}</li>" for w in parts.warnings)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{escape(parts.title)} — flowsim report</title><style>{css}</style></head>\n<body><main>\n"
        f"<h1>{escape(parts.title)}</h1><p class=\"run\">Simulated {run_line}. Means over replications; "
        f"counts leave out leads born in the warm-up.</p>\n"
        f'<section class="kpis" id="kpis">{kpi_html}</section>\n'
        f'<section class="diagram" id="diagram"><figure>{parts.diagram_svg}</figure></section>\n'
        + (f'<section class="warnings"><h2>Warnings</h2><ul>{warnings}</ul></section>\n' if warnings else "")
        + charts + "\n"
        + "".join(_table_html(t) for t in parts.tables) + "\n"
        f'<section class="settings" id="settings"><h2>Settings of this run</h2><table>{settings_rows}</table></section>\n'
        "</main></body></html>\n"
    )


def write_report(path: str | os.PathLike[str], flow: Flow, results: Any, *, theme: Theme = LIGHT,
                 progress=None, cancel=None) -> Path:
    """Write the report of ``results`` to ``path`` (``.html`` or ``.pdf``; ``-`` is the
    HTML on standard output), atomically for a regular file.

    Raises :class:`~flowsim.errors.FlowError` for another suffix or a path that cannot be
    written (checked before any drawing).
    """
    from flowsim.io.output import check_output, is_stdout, write_output

    target = Path(path)
    suffix = ".html" if is_stdout(path) else target.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise FlowError(f"cannot write a report as {target.name!r}: use a name ending in .html or .pdf")
    check_output(path)
    if progress is not None:
        progress(0.05)
    parts = report_parts(flow, results, theme)
    if progress is not None:
        progress(0.6)
    if suffix == ".pdf":
        from flowsim.render.reportpdf import pdf_report

        data = pdf_report(parts, theme)
    else:
        data = html_report(parts, theme).encode("utf-8")
    try:
        write_output(path, data)
    except OSError as err:
        raise FlowError(f"cannot write {target}: {err.strerror or err}") from None
    if progress is not None:
        progress(1.0)
    return target
