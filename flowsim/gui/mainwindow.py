"""The main window: canvas in the middle, palette, inspector and problems around it."""

from __future__ import annotations

import gc
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication, QTextCharFormat, QTextCursor, QColor
from PySide6.QtWidgets import (
    QApplication, QDockWidget, QFileDialog, QLabel, QLineEdit, QMainWindow, QMessageBox,
    QPlainTextEdit, QScrollArea, QStackedWidget, QTextEdit, QVBoxLayout, QWidget,
)

from flowsim import __version__
from flowsim.errors import FlowError
from flowsim.gui.actions import Actions
from flowsim.gui.commands import SetNodeField
from flowsim.gui import recovery
from flowsim.gui.comparison import ComparisonRunner
from flowsim.gui.connect_menu import ConnectMenu
from flowsim.gui.document import Document
from flowsim.gui import calibrating
from flowsim.gui.exporting import Exporter
from flowsim.gui.editing import align_command, clip_text, delete_command, layout_command, paste_command
from flowsim.gui.gallery import TemplateGallery
from flowsim.gui.history import HistoryMenu, bind_undo_actions
from flowsim.gui.inspector import Inspector
from flowsim.gui.items import NodeItem
from flowsim.gui.overview import Overview
from flowsim.gui.palette import Palette
from flowsim.gui.playback import Playback
from flowsim.gui.presenting import Presenter
from flowsim.gui.problems import ProblemsPanel
from flowsim.gui.reporting import Reporter
from flowsim.gui.results import ResultsPanel
from flowsim.gui.running import SimulationRunner
from flowsim.gui.scenarios import ScenariosPanel
from flowsim.gui.scene import FlowScene
from flowsim.gui.screenfit import fit_to_screen, restore_placement, save_placement
from flowsim.gui.timeline_bar import TimelineBar
from flowsim.gui.watching import connect_playback
from flowsim.gui.view import FlowView
from flowsim.io import load_flow
from flowsim.model import Issue
from flowsim.render.look import CARD_H, CARD_W
from flowsim.render.theme import DARK, LIGHT, Theme
from flowsim.resources import template_path

__all__ = ["MainWindow", "system_theme"]

FILE_FILTER = "Flows (*.flow.yaml *.yaml *.yml);;All files (*)"
MAX_RECENT = 8


def system_theme() -> Theme:
    """Dark when the system asks for it, light otherwise."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", lambda: None)()
    return DARK if scheme == Qt.ColorScheme.Dark else LIGHT


class MainWindow(QMainWindow):
    def __init__(self, *, settings: QSettings | None = None, ask: bool = True) -> None:
        super().__init__()
        self.settings = settings or QSettings("flowsim", "flowsim")
        self.ask = ask  # False in tests: never block on a dialog
        self.document = Document(self)
        self.actions = Actions(self)
        self.scene = FlowScene(self.document.bridge, self.document.undo_stack, system_theme(), self)
        self.view = FlowView(self.scene)
        self.view.setObjectName("canvas")
        self.source_view = QPlainTextEdit(readOnly=True)
        self.source_view.setObjectName("source_view")
        # Watching the last run on the canvas (gui/watching.py wires the parts together).
        self.playback = Playback(self.scene, self.view, self)
        self.timeline_bar = TimelineBar(self.actions.play, self.actions.step_back, self.actions.step_forward,
                                        self.actions.export_range)
        self.presenter = Presenter(self)
        self.canvas_page = _stacked(self.view, self.timeline_bar)
        self.center = QStackedWidget()
        self.center.addWidget(self.canvas_page)
        self.center.addWidget(self.source_view)
        self.setCentralWidget(self.center)
        self.palette = Palette(self.add_node_at_center)
        self.inspector = Inspector(self.document)
        self.problems = ProblemsPanel(self.document, self.select_issue)
        self.palette_dock = self._dock("Palette", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.overview = Overview(self.view)
        self.overview_dock = self._dock("Overview", self.overview, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.inspector_dock = self._dock("Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        self.problems_dock = self._dock("Problems", self.problems, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.runner = SimulationRunner(self)
        self.exporter = Exporter(self)
        self.last_results = None
        self.reporter = Reporter(self)
        self.results = ResultsPanel(lambda: self.runner.export("csv"), lambda: self.runner.export("json"),
                                    export_report=self.reporter.ask_and_write, select_edge=self.select_edge_at,
                                    select_node=self.select_node_at)
        # In a scroll area, so the bottom docks can be low on a laptop screen.
        self.results_dock = self._dock("Results", _scrolling(self.results), Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.problems_dock, self.results_dock)
        self.problems_dock.raise_()
        self.comparer = ComparisonRunner(self)
        self.sweep_dialog = None
        self.scenarios = ScenariosPanel(self.document, compare=self.comparer.run, sweep=self.open_sweep,
                                        report=lambda title, text: self.report_error(title, text))
        self.scenarios_dock = self._dock("Scenarios", self.scenarios, Qt.DockWidgetArea.RightDockWidgetArea)
        self.zoom_label = QLabel("100 %")
        self.count_label = QLabel()
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.zoom_label)
        self._build_menus()
        self._connect()
        connect_playback(self)
        self.setAcceptDrops(True)
        self._laid_out = restore_placement(self, self.settings)
        self._frozen = False
        self._document_changed()

    # -- construction ----------------------------------------------------------------------
    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title.lower()}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        a = self.actions
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([a.new, a.open])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addActions([a.save, a.save_as, a.revert])
        file_menu.addSeparator()
        file_menu.addActions([a.export, a.cancel_export, a.report])
        file_menu.addAction(a.calibrate)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        edit = bar.addMenu("&Edit")
        edit.addActions([a.undo, a.redo])
        self.history_menu = HistoryMenu(self.document.undo_stack, self)
        edit.addMenu(self.history_menu)
        edit.addSeparator()
        edit.addActions([a.cut, a.copy, a.paste, a.duplicate, a.delete, a.select_all, a.rename])
        view = bar.addMenu("&View")
        view.addActions([a.zoom_in, a.zoom_out, a.zoom_reset, a.fit])
        view.addSeparator()
        view.addAction(a.present)
        self.addAction(a.present)  # F11 works with the menus hidden too
        view.addSeparator()
        view.addActions([a.snap, a.align_grid, a.auto_layout])
        view.addSeparator()
        for dock in (self.palette_dock, self.overview_dock, self.inspector_dock, self.problems_dock, self.results_dock,
                     self.scenarios_dock):
            view.addAction(dock.toggleViewAction())
        simulate = bar.addMenu("&Simulate")
        simulate.addActions([a.run, a.cancel_run])
        simulate.addSeparator()
        simulate.addActions([a.play, a.step_back, a.step_forward, a.export_range])
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(a.about)
        self.actions.set_icons(self.style())
        toolbar = self.addToolBar("Main")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setObjectName("toolbar_main")
        toolbar.addActions([a.new, a.open, a.save])
        toolbar.addSeparator()
        toolbar.addActions([a.undo, a.redo])
        toolbar.addSeparator()
        toolbar.addActions([a.run, a.export])
        toolbar.addSeparator()
        toolbar.addActions([a.fit, a.auto_layout])
        self._refresh_recent()

    def _connect(self) -> None:
        a, doc = self.actions, self.document
        a.new.triggered.connect(self.new_from_template)
        a.open.triggered.connect(self.open_dialog)
        a.save.triggered.connect(self.save)
        a.save_as.triggered.connect(self.save_as)
        a.revert.triggered.connect(self.revert)
        a.quit.triggered.connect(self.close)
        a.undo.triggered.connect(doc.undo_stack.undo)
        a.redo.triggered.connect(doc.undo_stack.redo)
        bind_undo_actions(doc.undo_stack, a.undo, a.redo)
        a.cut.triggered.connect(self.cut)
        a.copy.triggered.connect(self.copy)
        a.paste.triggered.connect(self.paste)
        a.duplicate.triggered.connect(self.duplicate)
        a.delete.triggered.connect(self.delete_selection)
        a.select_all.triggered.connect(self.select_all)
        a.rename.triggered.connect(self.rename_selected)
        a.zoom_in.triggered.connect(self.view.zoom_in)
        a.zoom_out.triggered.connect(self.view.zoom_out)
        a.zoom_reset.triggered.connect(self.view.reset_zoom)
        a.fit.triggered.connect(self.view.fit)
        a.snap.toggled.connect(lambda on: setattr(self.scene, "snap_to_grid", on))
        a.align_grid.triggered.connect(self.align_to_grid)
        a.auto_layout.triggered.connect(self.auto_layout)
        a.about.triggered.connect(self.about)
        a.run.triggered.connect(self.runner.ask_and_run)
        a.cancel_run.triggered.connect(self.runner.cancel)
        a.cancel_run.setEnabled(False)
        a.export.triggered.connect(self.exporter.ask_and_export)
        a.calibrate.triggered.connect(lambda: calibrating.ask_and_apply(self))
        a.cancel_export.triggered.connect(self.exporter.cancel)
        a.cancel_export.setEnabled(False)
        a.report.triggered.connect(self.reporter.ask_and_write)
        a.report.setEnabled(False)
        self.view.zoomChanged.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f} %"))
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):  # Qt 6.5+: follow the desktop live
            hints.colorSchemeChanged.connect(self._color_scheme_changed)
        self.scene.selectionSummary.connect(self.inspector.show_selection)
        self.scene.renameRequested.connect(self.rename_in_place)
        self.scene.connectionDropped.connect(self.offer_connected_node)
        doc.changed.connect(self._document_changed)
        doc.notice.connect(lambda text: self.statusBar().showMessage(text, 30000))
        doc.issuesChanged.connect(self._issues_changed)
        doc.undo_stack.indexChanged.connect(self._edited)
        doc.bridge.flowReplaced.connect(self._forget_results)
    # -- state shown ---------------------------------------------------------------------
    def _document_changed(self) -> None:
        doc = self.document
        name = doc.display_name() + (" (read-only)" if doc.read_only else "")
        self.setWindowTitle(f"{name}[*] — flowsim")
        self.setWindowModified(doc.modified)
        self.scene.read_only = doc.read_only
        for item in self.scene.node_items():
            item.setFlag(NodeItem.GraphicsItemFlag.ItemIsMovable, not doc.read_only)
        # A file that could not be read shows its text, not a flow: nothing to export until fixed.
        for name in ("save", "cut", "paste", "duplicate", "delete", "rename", "auto_layout", "align_grid", "run", "export",
                     "calibrate"):
            self.actions.by_name[name].setEnabled(not doc.read_only)
        self.actions.revert.setEnabled(doc.path is not None)
        self.palette.setEnabled(not doc.read_only)
        if doc.read_only:
            self._show_source()
        else:
            self.center.setCurrentWidget(self.canvas_page)
        self._update_counts()

    def _color_scheme_changed(self, scheme) -> None:
        self.scene.set_theme(DARK if scheme == Qt.ColorScheme.Dark else LIGHT)
        self.view.viewport().update()
        self.overview.refit()
        self.results.set_theme(self.scene.theme)

    def _issues_changed(self, issues) -> None:
        self._update_counts()

    def _edited(self, index: int) -> None:
        self._update_counts()
        self._results_outdated()

    def _results_outdated(self) -> None:
        """The overlay shows a run of the flow as it was: after an edit it would mislead."""
        if self.last_results is not None:
            self.scene.set_overlay(None, None)
            self.results.mark_outdated()

    def _forget_results(self, flow=None) -> None:
        self.last_results = None
        self.results.clear()
        self.actions.report.setEnabled(False)

    def _update_counts(self) -> None:
        flow = self.document.flow
        errors = self.problems.error_count()
        state = "no problems" if not errors else f"{errors} problem{'s' if errors != 1 else ''}"
        self.count_label.setText(f"{len(flow.nodes)} nodes · {len(flow.edges)} edges · {state}")
        self.problems_dock.setWindowTitle(f"Problems ({errors})" if errors else "Problems")

    def _show_source(self) -> None:
        doc = self.document
        self.source_view.setPlainText(doc.text if doc.text is not None else "")
        self.center.setCurrentWidget(self.source_view)
        line = doc.load_error.line if doc.load_error else None
        if line and doc.text is not None:
            block = self.source_view.document().findBlockByLineNumber(line - 1)
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(217, 45, 32, 60))
            fmt.setProperty(QTextCharFormat.Property.FullWidthSelection, True)
            selection.format = fmt
            selection.cursor = QTextCursor(block)
            self.source_view.setExtraSelections([selection])
            self.source_view.setTextCursor(QTextCursor(block))
        self.problems_dock.show()

    # -- files -----------------------------------------------------------------------------
    def open_path(self, path: str | Path) -> bool:
        """Open a file (read-only with its problems listed if it is not a readable flow)."""
        if not self.maybe_save():
            return False
        readable = self.document.open(path)
        self._remember_recent(Path(path))
        self.statusBar().showMessage(f"Opened {path}" if readable else f"Could not read {path} as a flow", 5000)
        QTimer.singleShot(0, self.view.show_readable)
        return readable

    def open_template(self, name: str) -> None:
        """Start an untitled flow from the bundled template ``name``."""
        if not self.maybe_save():
            return
        self.document.set_flow(load_flow(template_path(name)), None)
        QTimer.singleShot(0, self.view.show_readable)

    def new_from_template(self) -> None:
        gallery = TemplateGallery(self)
        if gallery.exec() and gallery.chosen() is not None:
            self.open_template(gallery.chosen().name)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open flow", self._last_folder(), FILE_FILTER)
        if path:
            self.open_path(path)

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        suggested = str(Path(self._last_folder()) / (self.document.display_name().replace(" ", "-").lower() + ".flow.yaml"))
        path, _ = QFileDialog.getSaveFileName(self, "Save flow", suggested, FILE_FILTER)
        return self._save_to(Path(path)) if path else False

    def _save_to(self, path: Path) -> bool:
        try:
            self.document.save(path)
        except FlowError as err:
            self._error("Could not save", str(err))
            return False
        self._remember_recent(path)
        self.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    def revert(self) -> None:
        if self.document.path is None:
            return
        if self.document.modified and self.ask:
            answer = QMessageBox.question(self, "Revert", "Drop every change since the last save?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.document.revert()

    def maybe_save(self) -> bool:
        """Ask before losing unsaved changes; True if it is fine to go on."""
        if not self.document.modified or not self.ask:
            return True
        answer = QMessageBox.warning(
            self, "Unsaved changes", f"Save the changes to {self.document.display_name()}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def offer_recovery(self, choose=None) -> None:
        """Offer back the unsaved work of windows that ended without saving (see
        gui/recovery.py); ``choose(orphan)`` answers instead of a dialog (tests)."""
        if choose is None:
            if not self.ask:
                return
            choose = lambda orphan: recovery.ask_about(self, orphan)  # noqa: E731
        recovery.offer(self.document, choose, lambda text: self.statusBar().showMessage(text, 15000))

    def _last_folder(self) -> str:
        recent = self.settings.value("recent", []) or []
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def _remember_recent(self, path: Path) -> None:
        recent = [p for p in (self.settings.value("recent", []) or []) if p != str(path)]
        self.settings.setValue("recent", [str(path)] + recent[: MAX_RECENT - 1])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for entry in self.settings.value("recent", []) or []:
            action = self.recent_menu.addAction(entry)
            action.triggered.connect(lambda checked=False, p=entry: self.open_path(p))
        self.recent_menu.setEnabled(not self.recent_menu.isEmpty())

    # -- editing ---------------------------------------------------------------------------
    def push(self, command) -> None:
        if command is not None and not self.document.read_only:
            self.document.undo_stack.push(command)

    def add_node_at_center(self, kind: str) -> None:
        if not self.document.read_only:
            self.scene.add_node_at(kind, self.view.mapToScene(self.view.viewport().rect().center()))

    def offer_connected_node(self, source_id: str, point, screen) -> ConnectMenu | None:
        """A connection dropped on empty canvas: offer the kinds there, to add and connect."""
        if self.document.read_only or not self.document.flow.has_node(source_id):
            return None
        menu = ConnectMenu(lambda kind: self._add_connected(kind, source_id, point), self.view)
        menu.aboutToHide.connect(self.scene.connector.clear_pending)
        menu.aboutToHide.connect(menu.deleteLater)
        self.connect_menu = menu
        self.scene.connector.show_pending(source_id, point)
        menu.offer(screen)
        return menu

    def _add_connected(self, kind: str, source_id: str, point) -> None:
        self.scene.connector.clear_pending()
        if not self.document.read_only and self.document.flow.has_node(source_id):
            self.scene.add_connected_node(kind, source_id, point)

    def copy(self) -> None:
        ids = self.scene.selected_node_ids()
        if ids:
            QApplication.clipboard().setText(clip_text(self.document.flow, ids))

    def cut(self) -> None:
        self.copy()
        self.delete_selection()

    def paste(self) -> None:
        self.push(paste_command(self.document.flow, QApplication.clipboard().text()))

    def duplicate(self) -> None:
        ids = self.scene.selected_node_ids()
        if ids:
            self.push(paste_command(self.document.flow, clip_text(self.document.flow, ids)))

    def delete_selection(self) -> None:
        self.push(delete_command(self.document.flow, self.scene.selected_node_ids(), self.scene.selected_edges()))

    def select_all(self) -> None:
        for item in self.scene.items():
            item.setSelected(True)

    def auto_layout(self) -> None:
        self.push(layout_command(self.document.flow))
        self.view.fit()

    def align_to_grid(self) -> None:
        ids = self.scene.selected_node_ids() or [n.id for n in self.document.flow.nodes]
        self.push(align_command(self.document.flow, ids, self.scene.GRID))

    def rename_selected(self) -> None:
        ids = self.scene.selected_node_ids()
        if len(ids) == 1:
            self.rename_in_place(ids[0])

    def rename_in_place(self, node_id: str) -> QLineEdit | None:
        """Edit a card's label where it is drawn; Enter keeps it, Escape drops it."""
        if self.document.read_only or not self.document.flow.has_node(node_id):
            return None
        item = self.scene.item_for_id(node_id)
        node = item.node
        corner = self.view.mapFromScene(item.mapToScene(44, CARD_H / 2 - 16))
        editor = QLineEdit(node.title, self.view.viewport())
        editor.setObjectName("rename_editor")
        editor.setGeometry(corner.x(), corner.y(), int((CARD_W - 50) * self.view.zoom()), 26)
        editor.selectAll()
        editor.show()
        editor.setFocus()

        def finish() -> None:
            text = editor.text().strip()
            editor.hide()
            editor.setObjectName("")
            editor.deleteLater()
            if text and text != node.title and self.document.flow.has_node(node.id):
                self.push(SetNodeField(self.document.flow, node.id, "label", text, text=f"Rename to {text}"))

        editor.editingFinished.connect(lambda: editor.isVisible() and finish())
        return editor

    def select_issue(self, issue: Issue) -> None:
        """Show the node or edge an issue is about."""
        self.scene.clearSelection()
        target = None
        if issue.node is not None and self.scene.item_for_id(issue.node) is not None:
            target = self.scene.item_for_id(issue.node)
        elif issue.edge is not None and issue.edge < len(self.document.flow.edges):
            target = self.scene.edge_item(self.document.flow.edges[issue.edge])
        if target is not None:
            target.setSelected(True)
            self.view.centerOn(target)

    def select_node_at(self, node_id: str) -> None:
        """Select and show the node ``node_id`` (its leaks were clicked in the Sankey)."""
        item = self.scene.item_for_id(node_id)
        if item is not None:
            self.scene.clearSelection()
            item.setSelected(True)
            self.view.centerOn(item)

    def select_edge_at(self, index: int) -> None:
        """Select and show the flow's edge number ``index`` (a Sankey stream was clicked)."""
        edges = self.document.flow.edges
        if 0 <= index < len(edges):
            if self.scene.far:  # far out edges are drawn plain and cannot be selected
                self.view.set_zoom(0.6)
            self.scene.clearSelection()
            item = self.scene.edge_item(edges[index])
            item.setSelected(True)
            self.view.centerOn(item)

    def about(self) -> None:
        QMessageBox.about(self, "About flowsim", f"<b>flowsim {__version__}</b><p>Draw, simulate and animate lead-generation flows.</p>")

    # -- window ----------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._frozen:
            # What start-up made lives as long as the app: keep it out of the collector's
            # full passes, which would otherwise walk it all and stall the window.
            gc.freeze()
            self._frozen = True
        fit_to_screen(self)
        QTimer.singleShot(0, self._fit_to_screen)  # again once the window manager framed it
        if not self._laid_out:  # first start on this screen: give the canvas most of the room
            self._laid_out = True
            small = self.height() < 820  # a laptop: bottom docks lower, side docks narrower
            self.resizeDocks([self.palette_dock, self.inspector_dock], [170 if small else 180, 300 if small else 320],
                             Qt.Orientation.Horizontal)
            self.resizeDocks([self.palette_dock, self.overview_dock], [300, 150], Qt.Orientation.Vertical)
            bottom = 110 if small else 150  # last: the side docks' heights above must not undo it
            self.resizeDocks([self.problems_dock, self.results_dock], [bottom, bottom], Qt.Orientation.Vertical)
            QTimer.singleShot(0, self.view.show_readable)

    def _fit_to_screen(self) -> None:
        fit_to_screen(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        for worker in (self.runner, self.exporter, self.reporter):  # never leave a thread running behind
            if worker.task is not None:
                worker.task.cancel()
                worker.task.wait()
        self.document.discard_recovery()
        save_placement(self, self.settings)
        event.accept()

    def dragEnterEvent(self, event) -> None:
        if any(url.toLocalFile().endswith((".yaml", ".yml")) for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for url in event.mimeData().urls():
            if url.toLocalFile().endswith((".yaml", ".yml")):
                self.open_path(url.toLocalFile())
                event.acceptProposedAction()
                return

    def open_sweep(self) -> None:
        """The sweep dialog on the flow as it is now (one at a time)."""
        from flowsim.gui.sweep_dialog import SweepDialog

        if self.sweep_dialog is not None:
            self.sweep_dialog.close()
        self.sweep_dialog = SweepDialog(self.document.flow, self)
        self.sweep_dialog.show()

    def report_error(self, title: str, text: str) -> None:
        """Tell the user what went wrong: the status bar always, a dialog unless in tests."""
        self._error(title, text)

    def _error(self, title: str, text: str) -> None:
        self.statusBar().showMessage(text, 8000)
        if self.ask:
            QMessageBox.warning(self, title, text)


def _stacked(top: QWidget, bottom: QWidget) -> QWidget:
    """``top`` over ``bottom`` with nothing between: the canvas and its timeline bar."""
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(top, 1)
    layout.addWidget(bottom)
    return page


def _scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area that lets its dock shrink below its own minimum."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area
