"""Watching a run on the canvas: the timeline bar, the frames it shows (the export's own),
scrubbing, outdated playbacks and presentation mode."""

import gc

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDockWidget, QLineEdit

from flowsim.render.animate import Animation, default_duration
from flowsim.render.canvasframe import second_of_day
from flowsim.render.export import DEFAULT_FPS
from flowsim.render.slide import DEFAULT_PRESET, preset_size
from flowsim.resources import template_path
from tests.gui.conftest import wait_idle

DAYS = 20


@pytest.fixture
def played(window, qtbot):
    """The default template after a 20-day run, its playback ready."""
    window.open_path(template_path("lead-flow"))
    assert window.runner.run(days=DAYS, replications=1, seed=5) is not None
    wait_idle(qtbot, window.runner)
    qtbot.waitUntil(lambda: window.playback.ready, timeout=60_000)
    return window


def exporters_animation(window):
    """The animation ``flowsim export`` makes of the window's last run as a GIF, by default,
    of the flow as laid out (an export may wrap a wide flow into bands for its slide)."""
    results = window.last_results
    days = float(results.config.days)
    return Animation(window.playback.flow, results, size=preset_size(DEFAULT_PRESET, ".gif"), fps=DEFAULT_FPS[".gif"],
                     duration=default_duration(days), reflow=False)


def painted_dots(window):
    """The dots the canvas drew last: lead → position in viewport pixels."""
    window.view.viewport().repaint()
    frame = window.playback.item().painted
    return {lead: window.view.mapFromScene(QPointF(x, y)).toPointF()
            for lead, x, y in zip(frame.dots.lead.tolist(), frame.dots.x.tolist(), frame.dots.y.tolist())}


def test_after_a_run_the_bar_appears_at_the_runs_end_with_its_totals(played):
    window = played
    bar = window.timeline_bar
    assert bar.isVisible() and window.actions.play.isEnabled()
    assert window.playback.day == DAYS
    assert bar.day_label.text() == f"Totals after {DAYS} days"
    # At the end the cards carry the run's badges, as the export's last frame does.
    assert window.scene.item_for_id("landing_page").stats is not None


def test_playing_for_n_ticks_advances_the_day(played, qtbot):
    playback = played.playback
    playback.seek_day(0)
    playback.set_speed(1.0)  # a day a second
    playback.play()
    assert playback.playing
    for _ in range(90):  # 90 ticks of 1/60 s: a day and a half
        playback.advance(1 / 60)
    assert playback.day == pytest.approx(1.5)
    assert played.timeline_bar.day_label.text().startswith(f"Day 2 of {DAYS}")
    # The timer plays it too, and pausing holds the moment.
    qtbot.waitUntil(lambda: playback.day > 1.6, timeout=10_000)
    playback.pause()
    assert gc.isenabled()  # the collector waits only while a run plays
    held = playback.day
    QTest.qWait(100)
    assert playback.day == held


def test_played_to_the_end_it_stops_there_or_loops(played):
    playback = played.playback
    playback.seek_day(DAYS - 1)
    playback.set_speed(2.0)
    playback.play()
    playback.advance(1.0)
    assert playback.day == DAYS and not playback.playing
    played.timeline_bar.loop.setChecked(True)
    playback.seek_day(DAYS - 1)
    playback.play()
    playback.advance(1.0)
    assert playback.playing and playback.day == pytest.approx(1.0)


@pytest.mark.parametrize("day", [6.0, 11.5])
def test_the_dots_on_the_canvas_are_the_exporters_dots_for_that_day(played, day):
    window = played
    window.view.set_zoom(0.7)  # the canvas's own zoom and pan, not the export's framing
    window.view.horizontalScrollBar().setValue(window.view.horizontalScrollBar().value() + 37)
    window.playback.seek_day(day)
    drawn = painted_dots(window)
    anim = exporters_animation(window)
    dots = anim.dots_at(second_of_day(anim, day))
    dx, dy = anim.offset
    expected = {lead: window.view.mapFromScene(QPointF(x / anim.scale - dx, y / anim.scale - dy)).toPointF()
                for lead, x, y in zip(dots.lead.tolist(), dots.x.tolist(), dots.y.tolist())}
    assert len(expected) > 5
    assert set(drawn) == set(expected)
    for lead, point in expected.items():
        assert abs(drawn[lead].x() - point.x()) <= 1 and abs(drawn[lead].y() - point.y()) <= 1, lead
    # The counters under the cards are the export's too.
    painted = window.playback.item().painted.shapes
    # The visits' streams, as wide (in canvas units) as the export draws them.
    rates = anim.stream_rates(second_of_day(anim, day))
    streams = sorted(round(s.width, 3) for s in painted if hasattr(s, "segments"))
    assert streams == sorted(round(anim.stream_width(r) / anim.scale, 3) for r in rates if r > 0) and streams
    texts = {s.text for s in painted if hasattr(s, "text")}
    assert {s.text for s in anim.overlay_shapes(second_of_day(anim, day))[0] if hasattr(s, "text")} == texts


def test_scrubbing_back_shows_the_days_frame_again(played):
    window = played
    bar = window.timeline_bar
    bar.slider.setValue(60)  # day 6
    first = painted_dots(window)
    assert window.playback.day == pytest.approx(6.0) and first
    bar.slider.setValue(140)
    assert set(painted_dots(window)) != set(first)
    bar.slider.setValue(60)
    again = painted_dots(window)
    assert set(again) == set(first)
    assert all(abs(again[k].x() - first[k].x()) < 0.01 and abs(again[k].y() - first[k].y()) < 0.01 for k in first)
    # Stepping moves a whole day.
    window.actions.step_forward.trigger()
    assert window.playback.day == pytest.approx(7.0)
    window.actions.step_back.trigger()
    window.actions.step_back.trigger()
    assert window.playback.day == pytest.approx(5.0)


def test_selecting_a_card_shows_its_numbers_at_that_moment(played):
    window = played
    window.playback.seek_day(8)
    window.scene.item_for_id("landing_page").setSelected(True)
    label = window.playback.numbers
    assert label.isVisible()
    assert "Landing-page form" in label.text() and "in the node" in label.text() and "leaked so far" in label.text()
    before = label.text()
    window.playback.seek_day(15)
    assert label.text() != before
    window.scene.clearSelection()
    assert not label.isVisible()


def test_an_edit_marks_the_playback_outdated_and_nothing_of_it_is_undoable(played, tmp_path):
    window = played
    stack = window.document.undo_stack
    window.playback.seek_day(4)
    window.playback.play()
    window.playback.advance(0.5)
    window.actions.step_forward.trigger()
    assert stack.count() == 0 and not window.document.modified  # playing is not an edit
    window.actions.auto_layout.trigger()
    assert stack.count() == 1
    assert window.playback.outdated and window.playback.item().outdated
    assert not window.playback.playing and not window.actions.play.isEnabled()
    bar = window.timeline_bar
    assert bar.run_again.isVisible() and bar.outdated_label.isVisible()
    # The file holds the flow only.
    out = tmp_path / "saved.flow.yaml"
    window.document.save(out)
    assert "playback" not in out.read_text().lower()


def test_run_again_plays_the_flow_as_it_is_now(played, qtbot):
    window = played
    window.actions.auto_layout.trigger()
    old = window.playback.anim
    window.timeline_bar.run_again.click()
    wait_idle(qtbot, window.runner)
    qtbot.waitUntil(lambda: window.playback.ready and window.playback.anim is not old, timeout=60_000)
    assert not window.playback.outdated and not window.timeline_bar.run_again.isVisible()
    assert window.last_results.config.days == DAYS


def test_space_plays_on_the_canvas_but_types_in_the_inspector(played, qtbot):
    window = played
    playback = window.playback
    window.scene.item_for_id("scoring").setSelected(True)
    edit = next(e for e in window.inspector.findChildren(QLineEdit) if e.isVisible() and e.isEnabled())
    edit.setFocus()
    QTest.keyClick(edit, Qt.Key.Key_End)
    QTest.keyClick(edit, Qt.Key.Key_Space)
    assert not playback.playing and edit.text().endswith(" ")
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Space)
    assert playback.playing
    QTest.keyClick(window.view, Qt.Key.Key_Space)
    assert not playback.playing


def test_presenting_hides_the_docks_and_escape_puts_the_layout_back(played, qtbot):
    window = played
    docks = {d: d.isVisible() for d in window.findChildren(QDockWidget)}
    assert any(docks.values())
    zoom = window.view.zoom()
    window.actions.present.trigger()
    assert window.presenter.active and window.isFullScreen()
    assert not any(d.isVisible() for d in docks)
    assert not window.menuBar().isVisible() and window.timeline_bar.isVisible()
    qtbot.waitUntil(lambda: window.view.zoom() != zoom, timeout=5_000)  # the flow fitted
    day = window.playback.day
    QTest.keyClick(window.view, Qt.Key.Key_Left)  # arrows step a day
    assert window.playback.day == pytest.approx(day - 1)
    QTest.keyClick(window.view, Qt.Key.Key_Space)  # Space plays, once
    assert window.playback.playing
    QTest.keyClick(window.view, Qt.Key.Key_Space)
    assert not window.playback.playing
    QTest.keyClick(window.view, Qt.Key.Key_Escape)
    assert not window.presenter.active and not window.isFullScreen()
    assert {d: d.isVisible() for d in docks} == docks
    assert window.menuBar().isVisible() and window.view.zoom() == pytest.approx(zoom)


def test_export_this_writes_the_days_shown_framed_as_the_canvas_shows_them(played, qtbot, tmp_path):
    import imageio.v3 as iio

    from flowsim.gui.export_this import export_this, view_frame

    window = played
    window.view.set_zoom(1.0)
    window.view.centerOn(window.scene.item_for_id("scoring").card_box().center())
    x, y, w, h = view_frame(window.view)
    out = tmp_path / "days.gif"
    assert export_this(window, out, 4, 9) is not None
    wait_idle(qtbot, window.exporter)
    frames = iio.imread(out, index=None)
    # As long as the bar's speed plays days 4 to 9.
    assert frames.shape[0] == round(DEFAULT_FPS[".gif"] * 5 / window.playback.days_per_second)
    # The view's shape, with the clock's footer under it.
    assert (frames.shape[2], frames.shape[1]) == preset_size(DEFAULT_PRESET, ".gif")
    # Outdated, there is nothing to export: the run is of another flow.
    window.actions.auto_layout.trigger()
    assert not window.actions.export_range.isEnabled()
