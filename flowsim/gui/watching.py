"""Watching the last run on the canvas: how the window's playback, its timeline bar, the
presentation mode and the actions that drive them are joined.

A finished run prepares its playback; the bar appears when it is ready. Every edit marks
it outdated (the bar offers "Run again", which runs the flow as it is now with the same
days, replications and seed); opening another flow drops it.
"""

from __future__ import annotations

import math

from flowsim.gui.export_this import ask_and_export_this

__all__ = ["connect_playback"]


def connect_playback(window) -> None:
    """Wire ``window``'s playback, timeline bar, presenter and their actions."""
    a, playback, bar = window.actions, window.playback, window.timeline_bar
    watched = (a.play, a.step_back, a.step_forward, a.export_range)
    for action in watched:
        action.setEnabled(False)
    bar.hide()

    def ready(on: bool) -> None:
        for action in watched:
            action.setEnabled(on)
        bar.setVisible(on)
        if on:
            bar.set_run(playback.days, playback.days_per_second)
            changed()

    def changed() -> None:
        if not playback.ready:
            return
        day = playback.day
        date = playback.date_of(max(0.0, math.ceil(day) - 1))
        bar.show_moment(day, f"{date:%a} {date.day} {date:%b %Y}", playback.playing)
        bar.show_speed(playback.days_per_second)
        bar.set_outdated(playback.outdated)
        a.play.setEnabled(not playback.outdated)
        a.export_range.setEnabled(not playback.outdated)  # the run no longer matches the flow

    def run_again() -> None:
        config = playback.results.config if playback.results is not None else None
        if config is None:
            window.runner.ask_and_run()
            return
        window.runner.run(days=float(config.days), replications=int(config.replications), seed=int(config.seed))

    def scrub(day: float) -> None:
        playback.pause()
        playback.seek_day(day)

    window.runner.ran.connect(playback.load)
    playback.readyChanged.connect(ready)
    playback.changed.connect(changed)
    a.play.triggered.connect(playback.toggle)
    a.step_back.triggered.connect(lambda: playback.step(-1))
    a.step_forward.triggered.connect(lambda: playback.step(1))
    a.present.triggered.connect(window.presenter.toggle)
    a.export_range.triggered.connect(lambda: ask_and_export_this(window))
    # Space on the canvas: a tap plays or pauses; held down with a drag it still pans.
    window.view.spaceTapped.connect(lambda: playback.ready and a.play.trigger())
    bar.scrubbed.connect(scrub)
    bar.speedChosen.connect(playback.set_speed)
    bar.loopToggled.connect(playback.set_loop)
    bar.runAgain.connect(run_again)
    window.document.undo_stack.indexChanged.connect(lambda index: playback.mark_outdated())
    window.document.bridge.flowReplaced.connect(lambda flow: playback.clear())
