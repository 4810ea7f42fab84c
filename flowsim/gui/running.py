"""Running a simulation from the window: the settings dialog, the worker, the results."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QSpinBox

from flowsim.errors import FlowError
from flowsim.gui.workers import Task, TaskOwner
from flowsim.io.atomic import write_atomic
from flowsim.model import Flow
from flowsim.render.overlay import run_overlay

__all__ = ["RunDialog", "SimulationRunner", "TRACE_EVENTS"]

#: Events kept from the first replication, for the chart of leads over time.
TRACE_EVENTS = 200_000
#: About how many arrivals the trace follows: enough for a smooth chart, few enough that
#: handing the trace back to the GUI thread never stalls it.
TRACED_ARRIVALS = 4_000


class RunDialog(QDialog):
    """Days, replications and seed for one run, from the flow's own settings."""

    def __init__(self, flow: Flow, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Run simulation")
        self.days = QDoubleSpinBox(decimals=0, minimum=1, maximum=3650, value=float(flow.setting("days")))
        self.replications = QSpinBox(minimum=1, maximum=1000, value=int(flow.setting("replications")))
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=int(flow.setting("seed")))
        form = QFormLayout(self)
        form.addRow("Days", self.days)
        form.addRow("Replications", self.replications)
        form.addRow("Seed", self.seed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Run")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        return {"days": self.days.value(), "replications": self.replications.value(), "seed": self.seed.value()}


def _simulate(flow: Flow, settings: dict[str, Any], *, progress, cancel) -> Any:
    from flowsim.sim import SimConfig, TraceOptions, simulate
    from flowsim.sim.arrivals import expected_arrivals

    config = SimConfig(jobs=os.cpu_count() or 1, **settings)
    every = max(1, math.ceil(expected_arrivals(flow, settings["days"]) / TRACED_ARRIVALS))
    trace = TraceOptions(max_events=TRACE_EVENTS, every=every)
    return simulate(flow, config, progress=progress, cancel=cancel, trace=trace)


class SimulationRunner(TaskOwner):
    """Owns the running simulation of a window: start, progress, cancel, show results."""

    #: A run finished: (the flow as it was run, its results).
    ran = Signal(object, object)

    def __init__(self, window) -> None:
        super().__init__(window, "Simulation")
        self._flow: Flow | None = None

    def ask_and_run(self) -> None:
        dialog = RunDialog(self.window.document.flow, self.window)
        if dialog.exec():
            self.run(**dialog.values())

    def run(self, **settings: Any) -> Task | None:
        """Start a run of a snapshot of the flow (edits during the run don't change it)."""
        if self.busy or self.window.document.read_only:
            return None
        errors = [issue for issue in self.window.document.issues if issue.is_error]
        if errors:  # every problem at once, in the problems panel, not just the first
            self.window.problems_dock.show()
            self.window.problems_dock.raise_()
            self.window.report_error(
                "Cannot simulate yet",
                f"The flow has {len(errors)} problem{'s' if len(errors) != 1 else ''} to fix first; "
                f"they are listed in Problems. The first: {errors[0].format()}",
            )
            return None
        self._flow = self.window.document.flow.copy()
        return self.launch(_simulate, self._flow, settings)

    def running_changed(self, running: bool) -> None:
        actions = self.window.actions
        actions.run.setEnabled(not running and not self.window.document.read_only)
        actions.cancel_run.setEnabled(running)

    def succeeded(self, results: Any) -> str:
        window = self.window
        window.last_results = results
        window.results.show_results(results, self._flow, window.scene.theme)
        window.actions.report.setEnabled(True)
        stats, volumes = run_overlay(results, window.document.flow)
        window.scene.set_overlay(stats, volumes)
        window.results_dock.show()
        window.results_dock.raise_()
        if window.results_dock.height() < 340:  # room for the charts' labels to stay apart
            window.resizeDocks([window.results_dock], [360], Qt.Orientation.Vertical)
        self.ran.emit(self._flow, results)
        return "Simulation finished"

    def export(self, kind: str) -> None:
        """Save the last results as CSV or JSON."""
        results = getattr(self.window, "last_results", None)
        if results is None:
            return
        suggested = str(Path.home() / f"results.{kind}")
        path, _ = QFileDialog.getSaveFileName(self.window, f"Export results as {kind.upper()}", suggested)
        if path:
            self.write(results, Path(path), kind)

    def write(self, results: Any, path: Path, kind: str) -> None:
        text = results.to_csv() if kind == "csv" else results.to_json()
        try:
            write_atomic(path, text.encode("utf-8"))
        except OSError as err:
            self.window.report_error("Could not export", str(FlowError(f"cannot write: {err.strerror or err}", file=str(path))))
            return
        self.window.statusBar().showMessage(f"Saved {path}", 5000)
