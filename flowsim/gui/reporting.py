"""File → Report: the last run's report (HTML or PDF), written off the GUI thread.

The same :func:`flowsim.render.report.write_report` as ``flowsim report``, so the file is
the one the command line would write for the same results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from flowsim.gui.workers import TaskOwner

__all__ = ["Reporter", "REPORT_FILTER"]

REPORT_FILTER = "Web page (*.html);;PDF document (*.pdf)"


def _write(path: Path, flow: Any, results: Any, theme: Any, *, progress, cancel) -> Path:
    from flowsim.render.report import write_report

    return write_report(path, flow, results, theme=theme, progress=progress, cancel=cancel)


class Reporter(TaskOwner):
    """Writes the window's last results as a report; at most one at a time."""

    def __init__(self, window) -> None:
        super().__init__(window, "Report")

    def ask_and_write(self) -> None:
        window = self.window
        if window.last_results is None:
            return
        stem = (window.document.flow.name or "flow").strip().lower().replace(" ", "-")
        suggested = str(Path(window._last_folder()) / f"{stem}-report.html")
        path, chosen = QFileDialog.getSaveFileName(window, "Write a report of the last run", suggested, REPORT_FILTER)
        if not path:
            return
        if Path(path).suffix.lower() not in (".html", ".htm", ".pdf"):
            path += ".pdf" if "pdf" in chosen.lower() else ".html"
        self.write(Path(path))

    def write(self, path: Path):
        """Start writing the report of the last results to ``path``; the task, or None."""
        window = self.window
        results = window.last_results
        if results is None:
            return None
        flow = window.results.flow or window.document.flow  # the flow as it was run
        self.path = path
        return self.launch(_write, path, flow, results, window.scene.theme)

    def running_changed(self, running: bool) -> None:
        self.window.actions.report.setEnabled(not running and self.window.last_results is not None)

    def succeeded(self, result: Any) -> str:
        return f"Wrote the report to {result}"
