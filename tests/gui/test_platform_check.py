"""`flowsim gui` on a machine that lacks Qt's X11 libraries: one line naming them and the
command that installs them, before Qt could abort. The loader's answer is faked, so these
run on any machine."""

from __future__ import annotations

import pytest

from flowsim.cli import main
from flowsim.gui import platform_check


@pytest.fixture
def loader(monkeypatch):
    """Make the dynamic loader report the given sonames as not found."""
    answer = {"missing": []}
    monkeypatch.setattr(platform_check, "_unresolved", lambda plugin: list(answer["missing"]))
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    return answer


def test_every_missing_library_and_its_package_are_named_in_one_line(loader, monkeypatch, capsys):
    loader["missing"] = ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-xinerama.so.0"]
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    assert main(["gui"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    for soname in loader["missing"]:
        assert soname in err
    command = err.split("apt-get install", 1)[1].split()
    assert command == ["libxcb-icccm4", "libxcb-keysyms1", "libxcb-xinerama0"]


def test_a_machine_with_every_library_goes_on_to_the_window(loader):
    assert platform_check.platform_problem({"QT_QPA_PLATFORM": "xcb"}) is None


@pytest.mark.parametrize("environ", [
    {"QT_QPA_PLATFORM": "offscreen"},
    {"QT_QPA_PLATFORM": "wayland"},
    {"XDG_SESSION_TYPE": "wayland"},
])
def test_no_x11_libraries_are_asked_for_when_qt_will_not_use_x11(loader, environ):
    loader["missing"] = ["libxcb-icccm.so.4"]
    assert platform_check.missing_platform_libraries(environ) == []


def test_x11_is_checked_when_asked_for_or_by_default(loader):
    loader["missing"] = ["libxcb-cursor.so.0"]
    for environ in ({}, {"QT_QPA_PLATFORM": "xcb"}, {"QT_QPA_PLATFORM": "xcb:dpi=96"}, {"XDG_SESSION_TYPE": "x11"}):
        assert platform_check.missing_platform_libraries(environ) == ["libxcb-cursor.so.0"]


def test_when_the_loader_cannot_be_asked_qt_speaks_for_itself(monkeypatch):
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    monkeypatch.setattr(platform_check, "_unresolved", lambda plugin: None)
    assert platform_check.platform_problem({}) is None


@pytest.mark.parametrize("soname, package", [
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb.so.1", "libxcb1"),
    ("libEGL.so.1", "libegl1"),
    ("libglib-2.0.so.0", "libglib2.0-0"),
])
def test_debian_package_names(soname, package):
    assert platform_check.debian_package(soname) == package


def test_the_real_loader_answers_about_the_real_plugin():
    # Whatever this machine has, asking the real loader about the real plugin gives a list
    # of sonames (or None without ldd), never an error.
    plugin = platform_check._xcb_plugin()
    if plugin is None:
        pytest.skip("this PySide6 has no xcb plugin")
    found = platform_check._unresolved(plugin)
    assert found is None or all(".so" in name for name in found)


def test_an_x_display_that_does_not_answer_is_one_line_naming_it(loader, monkeypatch, capsys):
    monkeypatch.setattr(platform_check, "_x_display_answers", lambda: False)
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    assert main(["gui"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "DISPLAY=:99" in err and "xvfb-run" in err


def test_a_display_that_answers_or_cannot_be_asked_lets_qt_start(loader, monkeypatch):
    for answer in (True, None):
        monkeypatch.setattr(platform_check, "_x_display_answers", lambda: answer)
        assert platform_check.display_problem({"DISPLAY": ":0"}) is None
    monkeypatch.setattr(platform_check, "_x_display_answers", lambda: False)
    assert platform_check.display_problem({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}) is None


def test_the_real_x_check_answers_without_a_server(monkeypatch):
    # No X server listens on this display number: the real libxcb says so (or cannot be
    # loaded, on a machine without it).
    monkeypatch.setenv("DISPLAY", ":987")
    assert platform_check._x_display_answers() in (False, None)
