"""A flowsim window in a process of its own, driven line by line for the tests of
recovery between instances: ``python instance.py SETTINGS.ini`` (offscreen).

Commands on stdin, one JSON answer per line on stdout:
  open PATH · edit LABEL (rename the first node) · autosave · offer ANSWER (open,
  discard or later, for every orphan offered) · limit BYTES (RLIMIT_FSIZE: a full disk)
  · state · close (a clean close) · quit
The recovery folder comes from $XDG_DATA_HOME, as in the real app.
"""

import json
import os
import queue
import resource
import sys
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from flowsim.gui.commands import SetNodeField  # noqa: E402
from flowsim.gui.mainwindow import MainWindow  # noqa: E402


def main() -> None:
    app = QApplication(sys.argv[:1])
    app.setApplicationName("flowsim")
    app.setOrganizationName("flowsim")
    window = MainWindow(settings=QSettings(sys.argv[1], QSettings.Format.IniFormat), ask=False)
    window.show()
    offered = []
    notices = []
    window.document.notice.connect(notices.append)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in sys.stdin] + [lines.put("quit")],
                     daemon=True).start()

    def answer(**data) -> None:
        print(json.dumps(data), flush=True)

    def step() -> None:
        while not lines.empty():
            command, _, arg = lines.get().strip().partition(" ")
            doc = window.document
            if command == "open":
                answer(ok=window.open_path(arg))
            elif command == "edit":
                window.push(SetNodeField(doc.flow, doc.flow.nodes[0].id, "label", arg))
                answer(ok=True)
            elif command == "autosave":
                doc._autosave.timeout.emit()  # what the 30-second timer does
                answer(ok=True)
            elif command == "offer":
                window.offer_recovery(lambda orphan: offered.append(orphan.describe()) or arg)
                answer(ok=True, offered=list(offered))
                offered.clear()
            elif command == "limit":
                resource.setrlimit(resource.RLIMIT_FSIZE, (int(arg), resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
                answer(ok=True)
            elif command == "state":
                answer(label=doc.flow.nodes[0].label if doc.flow.nodes else None, modified=doc.modified,
                       path=str(doc.path) if doc.path else None, status=window.statusBar().currentMessage(),
                       copy=str(doc.recovery_path()), notices=notices)
            elif command == "close":
                answer(ok=window.close())
            elif command == "quit":
                app.quit()

    timer = QTimer()
    timer.timeout.connect(step)
    timer.start(20)
    answer(ready=True)
    app.exec()


if __name__ == "__main__":
    main()
