"""How an animation's dots look: one rule for the exported frames (cairo) and the canvas's
playback (display-list circles through QPainter)."""

from __future__ import annotations

import numpy as np

from flowsim.render.theme import Theme

__all__ = ["dot_layers", "STREAM_OPACITY"]

#: How opaque a stream of visits is drawn over its edge.
STREAM_OPACITY = 0.55


def dot_layers(leaking: np.ndarray, channel: np.ndarray, alpha: np.ndarray, r: float, theme: Theme,
               channel_colors) -> list[tuple[np.ndarray, float, str, float]]:
    """Dots drawn back to front as (which dots, radius, colour, opacity), ``r`` being a
    dot's radius: travelling dots on a halo of the background in their channel's colour,
    leaking ones in the alert colour, fading in six steps. One layer is one fill."""
    layers = []
    moving = ~leaking
    if moving.any():
        layers.append((moving, r + max(0.8, r * 0.35), theme.background, 0.9))
        for ch in np.unique(channel[moving]).tolist():
            layers.append((moving & (channel == ch), r, channel_colors[ch], 1.0))
    if leaking.any():
        level = np.ceil(alpha * 6) / 6
        for a in np.unique(level[leaking]).tolist():
            layers.append((leaking & (level == a), r * 0.9, theme.alert, a * 0.9))
    return layers
