"""Before the first window: can Qt's X11 (xcb) platform plugin load on this machine?

Qt aborts the process when its xcb plugin cannot load, with a message that names one
library (often the wrong one). :func:`missing_platform_libraries` asks the dynamic loader
(``ldd``, which follows every dependency, not just the first) which system libraries the
plugin needs and cannot find, before any ``QApplication`` exists, and :func:`require_platform`
turns that into one line naming them and the one command that installs them.

When every library is there but no X server answers on ``$DISPLAY`` (Qt aborts then too,
blaming xcb-cursor), :func:`display_problem` says that instead, after asking libxcb itself.

Nothing here imports Qt: the plugin is found through PySide6's package folder, so the check
costs one ``ldd`` run and one X connection (~10 ms) and only happens when the xcb plugin is
the one Qt will use.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Mapping

from flowsim.errors import FlowError

__all__ = ["missing_platform_libraries", "platform_problem", "require_platform", "debian_package", "display_problem"]

#: The Debian/Ubuntu package of each library Qt's xcb plugin links against, where its name
#: does not follow the usual soname rule (see :func:`debian_package`).
_PACKAGES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libGLdispatch.so.0": "libglvnd0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
}

_SONAME = re.compile(r"^(?P<stem>lib[\w.+-]+?)\.so\.(?P<major>\d+)$")
_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)


def debian_package(soname: str) -> str:
    """The Debian package that ships ``soname``: the table above, else Debian's naming rule
    (``libxcb-icccm.so.4`` is in ``libxcb-icccm4``; a name ending in a digit gets a dash)."""
    if soname in _PACKAGES:
        return _PACKAGES[soname]
    match = _SONAME.match(soname)
    if not match:
        return soname
    stem, major = match["stem"], match["major"]
    return (f"{stem}-{major}" if stem[-1].isdigit() else f"{stem}{major}").lower()


def _xcb_plugin() -> Path | None:
    """PySide6's libqxcb.so, installed or inside a frozen bundle; None when there is none."""
    spec = importlib.util.find_spec("PySide6")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        plugin = Path(folder) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def _unresolved(library: Path) -> list[str] | None:
    """The sonames the dynamic loader cannot find for ``library`` and its dependencies;
    None when it cannot be asked (no ``ldd`` on this system)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return None
    try:
        done = subprocess.run([ldd, str(library)], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return list(dict.fromkeys(_NOT_FOUND.findall(done.stdout)))


def _uses_xcb(environ: Mapping[str, str]) -> bool:
    """Whether Qt will start its xcb plugin: on Linux, asked for by name, or by default
    outside a Wayland session."""
    if not sys.platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0] == "xcb"
    return environ.get("XDG_SESSION_TYPE") != "wayland"


def missing_platform_libraries(environ: Mapping[str, str] | None = None) -> list[str]:
    """The system libraries Qt's xcb plugin needs and this machine lacks; empty when the
    plugin will load, when another platform plugin will be used, or when it cannot tell."""
    if not _uses_xcb(os.environ if environ is None else environ):
        return []
    plugin = _xcb_plugin()
    if plugin is None:
        return []
    return _unresolved(plugin) or []


def platform_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """One line saying which libraries are missing and how to install them, or None."""
    missing = missing_platform_libraries(environ)
    if not missing:
        return None
    packages = " ".join(dict.fromkeys(debian_package(name) for name in missing))
    sudo = "" if hasattr(os, "geteuid") and os.geteuid() == 0 else "sudo "
    return (
        f"Qt cannot open a window: its X11 plugin needs system libraries this machine lacks "
        f"({', '.join(missing)}); install them with: {sudo}apt-get install {packages}"
    )


def _x_display_answers() -> bool | None:
    """Whether the X server of $DISPLAY accepts a connection; None when libxcb cannot be
    loaded to ask (the library check speaks then)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(None, None)  # None: $DISPLAY, as Qt will use it
    try:
        return xcb.xcb_connection_has_error(connection) == 0
    finally:
        xcb.xcb_disconnect(connection)


def display_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """One line when Qt would use X11 and no X server answers on $DISPLAY, else None."""
    environ = os.environ if environ is None else environ
    if not _uses_xcb(environ) or not environ.get("DISPLAY"):
        return None
    if _x_display_answers() is False:
        return (
            f"Qt cannot open a window: no X server answers on DISPLAY={environ['DISPLAY']}; "
            "run flowsim in a desktop session, or under xvfb-run"
        )
    return None


def require_platform() -> None:
    """Raise FlowError with one line when the window cannot open: missing libraries
    (:func:`platform_problem`), else an X display that does not answer."""
    problem = platform_problem() or display_problem()
    if problem is not None:
        raise FlowError(problem)
