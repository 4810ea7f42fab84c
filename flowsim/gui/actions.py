"""Every QAction of the app, in one place, with standard shortcuts bound once each."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

__all__ = ["Actions", "ACTION_SPECS", "SCOPED"]

Std = QKeySequence.StandardKey

#: name → (text, shortcut (a standard key or a string), status tip)
ACTION_SPECS: dict[str, tuple[str, object, str]] = {
    "new": ("&New from template…", Std.New, "Start a new flow from a template"),
    "open": ("&Open…", Std.Open, "Open a flow file"),
    "save": ("&Save", Std.Save, "Save the flow"),
    "save_as": ("Save &As…", Std.SaveAs, "Save the flow under a new name"),
    "revert": ("&Revert to saved", None, "Drop every change since the last save"),
    "export": ("&Export…", "Ctrl+E", "Export the diagram to SVG, PNG, GIF or MP4"),
    "calibrate": ("Cali&brate from CRM Export…", None,
                  "Fit arrivals, conversions and delays to a HubSpot, Salesforce or other CSV export"),
    "report": ("&Report of the Last Run…", None, "Write the last run's charts and numbers as an HTML or PDF report"),
    "quit": ("&Quit", Std.Quit, "Quit flowsim"),
    "undo": ("&Undo", Std.Undo, "Undo the last change"),
    "redo": ("&Redo", Std.Redo, "Redo the change undone last"),
    "cut": ("Cu&t", Std.Cut, "Cut the selection"),
    "copy": ("&Copy", Std.Copy, "Copy the selection"),
    "paste": ("&Paste", Std.Paste, "Paste nodes"),
    "duplicate": ("&Duplicate", "Ctrl+D", "Duplicate the selection"),
    "delete": ("&Delete", Std.Delete, "Delete the selection"),
    "select_all": ("Select &All", Std.SelectAll, "Select every node and edge"),
    "rename": ("Re&name…", "F2", "Rename the selected node"),
    "zoom_in": ("Zoom &In", Std.ZoomIn, "Zoom in"),
    "zoom_out": ("Zoom &Out", Std.ZoomOut, "Zoom out"),
    "zoom_reset": ("&Actual Size", "Ctrl+0", "Zoom to 100 %"),
    "fit": ("&Fit Flow", "Ctrl+Shift+H", "Show the whole flow"),
    "auto_layout": ("Auto &Layout", "Ctrl+Shift+L", "Arrange the nodes left to right"),
    "align_grid": ("Align to &Grid", "Ctrl+Shift+G", "Snap the selected nodes to the grid"),
    "snap": ("&Snap to Grid", None, "Snap nodes to the grid while moving them"),
    "run": ("&Run Simulation…", "F5", "Simulate lead volume through the flow"),
    "cancel_run": ("&Cancel Simulation", None, "Stop the running simulation"),
    "cancel_export": ("Cancel E&xport", None, "Stop the running export"),
    "play": ("&Play", "Space", "Play or pause the last run on the canvas"),
    "step_back": ("Step &Back a Day", "Left", "Show the run one day earlier"),
    "step_forward": ("Step &Forward a Day", "Right", "Show the run one day later"),
    "present": ("&Present", "F11", "Full screen with the run playing large; Esc leaves"),
    "export_range": ("Export &This…", None, "Export the days shown, framed as the canvas shows the flow"),
    "about": ("&About flowsim", None, "About flowsim"),
}

#: Actions whose keys act only where they are added (the canvas's timeline bar), never
#: while typing elsewhere: Space and the arrows belong to text fields and the canvas.
SCOPED = ("play", "step_back", "step_forward")


# Where a platform binds no key to a standard action (Quit has none on some Linux
# desktops), these keys stand in, so every action has its usual shortcut everywhere.
_FALLBACK = {
    Std.New: "Ctrl+N", Std.Open: "Ctrl+O", Std.Save: "Ctrl+S", Std.SaveAs: "Ctrl+Shift+S",
    Std.Quit: "Ctrl+Q", Std.Undo: "Ctrl+Z", Std.Redo: "Ctrl+Shift+Z", Std.Cut: "Ctrl+X",
    Std.Copy: "Ctrl+C", Std.Paste: "Ctrl+V", Std.Delete: "Del", Std.SelectAll: "Ctrl+A",
    Std.ZoomIn: "Ctrl++", Std.ZoomOut: "Ctrl+-",
}


def _keys(shortcut: object) -> list[QKeySequence]:
    if isinstance(shortcut, Std):
        return QKeySequence.keyBindings(shortcut) or [QKeySequence(_FALLBACK[shortcut])]
    return [QKeySequence(shortcut)]


class Actions(QObject):
    """The app's actions as attributes (``actions.save``), created with their shortcuts."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.by_name: dict[str, QAction] = {}
        for name, (text, shortcut, tip) in ACTION_SPECS.items():
            action = QAction(text, parent)
            if shortcut is not None:
                action.setShortcuts(_keys(shortcut))
            action.setStatusTip(tip)
            action.setObjectName(f"action_{name}")
            if name in SCOPED:
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.by_name[name] = action
            setattr(self, name, action)
        self.snap.setCheckable(True)
        self.snap.setChecked(True)

    def all(self) -> list[QAction]:
        return list(self.by_name.values())

    def set_icons(self, style) -> None:
        """Icons from the desktop theme, or ``style``'s own where the theme has none."""
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QStyle

        sp = QStyle.StandardPixmap
        icons = {
            "new": ("document-new", sp.SP_FileIcon), "open": ("document-open", sp.SP_DialogOpenButton),
            "save": ("document-save", sp.SP_DialogSaveButton), "undo": ("edit-undo", sp.SP_ArrowBack),
            "redo": ("edit-redo", sp.SP_ArrowForward), "run": ("media-playback-start", sp.SP_MediaPlay),
            "cancel_run": ("process-stop", sp.SP_MediaStop), "export": ("document-export", sp.SP_DialogApplyButton),
            "fit": ("zoom-fit-best", sp.SP_TitleBarMaxButton), "auto_layout": ("view-grid", sp.SP_FileDialogDetailedView),
            "delete": ("edit-delete", sp.SP_TrashIcon),
        }
        for name, (theme_name, fallback) in icons.items():
            self.by_name[name].setIcon(QIcon.fromTheme(theme_name, style.standardIcon(fallback)))
