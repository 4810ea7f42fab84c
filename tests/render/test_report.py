"""The report: a self-contained HTML page with every chart as inline SVG and the run's
numbers, and a PDF of the same with its pages and text; ``flowsim report`` writes both."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from flowsim.io import load_flow
from flowsim.render.charts import CHARTS
from flowsim.render.report import report_parts, write_report
from flowsim.render.reportpdf import pdf_pages
from flowsim.sim import SimConfig, simulate
from tests.conftest import REPO

TEMPLATE = REPO / "templates" / "lead-flow.flow.yaml"


@pytest.fixture(scope="module")
def run():
    flow = load_flow(TEMPLATE)
    return flow, simulate(flow, SimConfig(days=20, replications=3, seed=11, jobs=1))


class Page(HTMLParser):
    """Records what the tests look for: chart sections with their SVG text, KPI
    elements, and every attribute or style that could point outside the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.section: str | None = None
        self.charts: dict[str, dict] = {}
        self.kpis: dict[str, str] = {}
        self.refs: list[str] = []
        self.tags: set[str] = set()
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "data", "poster") and value is not None:
                self.refs.append(value)
            if name == "style" and value:
                self.styles.append(value)
        if tag == "section" and (a.get("id") or "").startswith("chart-"):
            self.section = a["id"][6:]
            self.charts[self.section] = {"svg": 0, "text": []}
        if tag == "svg" and self.section is not None:
            self.charts[self.section]["svg"] += 1
        if "data-metric" in a:
            self.kpis[a["data-metric"]] = a["data-mean"]
        self._in_style = tag == "style"
        if tag not in ("meta", "br", "img", "link", "input", "hr"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass
        if tag == "section":
            self.section = None
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)
        elif self.section is not None and "svg" in self.stack and data.strip():
            self.charts[self.section]["text"].append(data.strip())


def parsed(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def test_the_html_report_holds_every_chart_as_inline_svg_with_its_title(run, tmp_path):
    flow, results = run
    out = write_report(tmp_path / "report.html", flow, results)
    page = parsed(out.read_text(encoding="utf-8"))
    assert set(page.charts) == {chart.key for chart in CHARTS}
    for chart in CHARTS:
        found = page.charts[chart.key]
        assert found["svg"] >= 1
        # the chart's own title, as text inside its SVG (searchable, not paths)
        assert chart.title in found["text"], chart.key
    assert "svg" in page.tags and "figure" in page.tags


def test_the_html_reports_headline_numbers_are_those_of_the_results_json(run, tmp_path):
    flow, results = run
    out = write_report(tmp_path / "report.html", flow, results)
    page = parsed(out.read_text(encoding="utf-8"))
    doc = json.loads(results.to_json())
    assert len(page.kpis) >= 5
    for path, mean in page.kpis.items():
        value = doc
        for key in path.split("."):
            value = value[key]
        assert float(mean) == value["mean"], path


def test_the_html_report_needs_nothing_from_outside(run, tmp_path):
    flow, results = run
    text = write_report(tmp_path / "report.html", flow, results).read_text(encoding="utf-8")
    page = parsed(text)
    assert not ({"script", "link", "iframe", "img", "object", "embed"} & page.tags)
    assert all(ref.startswith("#") or ref.startswith("data:") for ref in page.refs), page.refs
    for style in page.styles:
        for target in re.findall(r"url\(\s*['\"]?([^)'\"]+)", style):
            assert target.startswith("#"), target
        assert "@import" not in style
    # the diagram with the run's overlay, and the settings and seed
    assert 'id="diagram"' in text and "Paid search" in text
    assert f"seed {results.config.seed}" in text


def test_the_pdf_has_the_expected_pages_and_text_that_can_be_extracted(run, tmp_path):
    flow, results = run
    out = write_report(tmp_path / "report.pdf", flow, results)
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    # a summary page with the diagram and the funnel, the other charts three a page, the
    # tables (the template has money keys: its money table takes one page more)
    parts = report_parts(flow, results)
    assert len(reader.pages) == len(pdf_pages(parts)) == 5
    assert "Money by channel" in reader.pages[4].extract_text()
    first = reader.pages[0].extract_text()
    assert "Lead generation flow" in first
    assert f"{results.funnel['sqls'].mean:,.0f}" in first and "SQLs" in first
    charts = first + reader.pages[1].extract_text() + reader.pages[2].extract_text()
    for chart in CHARTS:
        assert chart.title in charts
    assert "Where leads go (edges)" in reader.pages[3].extract_text()


def test_long_tables_flow_onto_more_pages(run):
    flow, results = run
    parts = report_parts(flow, results)
    long = parts.tables[2].__class__(
        "edges", "Many edges", parts.tables[2].headers, parts.tables[2].rows * 12, parts.tables[2].numeric
    )
    more = pdf_pages(parts.__class__(**{**parts.__dict__, "tables": parts.tables + (long,)}))
    assert len(more) > len(pdf_pages(parts))


def cli(*args):
    done = subprocess.run([sys.executable, "-m", "flowsim", *args], capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr


def test_flowsim_report_writes_html_and_refuses_other_names_in_one_line(tmp_path):
    out = tmp_path / "r.html"
    status, stdout, stderr = cli("report", str(TEMPLATE), "-o", str(out), "--days", "10", "--replications", "2",
                                 "--seed", "4", "--jobs", "1")
    assert status == 0, stderr
    assert "<svg" in out.read_text(encoding="utf-8")
    status, stdout, stderr = cli("report", str(TEMPLATE), "-o", "-", "--days", "10", "--replications", "1",
                                 "--jobs", "1")
    assert status == 0 and stdout.startswith("<!DOCTYPE html>") and stdout.rstrip().endswith("</html>")
    status, stdout, stderr = cli("report", str(TEMPLATE), "-o", str(tmp_path / "r.docx"))
    assert status == 1 and stderr.count("\n") == 1 and "Traceback" not in stderr
    assert ".html or .pdf" in stderr
    assert not (tmp_path / "r.docx").exists()
