"""Colours and sizes of the look, light and dark. One place decides them for all backends."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Theme", "LIGHT", "DARK", "KIND_COLORS", "theme_named"]

#: A node's colour when its file gives none.
KIND_COLORS = {
    "source": "#4A90D9",
    "capture": "#26A69A",
    "score": "#AB47BC",
    "segment": "#FFA726",
    "nurture": "#EC407A",
    "handoff": "#5C6BC0",
    "sales": "#3949AB",
    "sink": "#43A047",
}


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    grid: str
    card: str
    card_border: str
    shadow: str
    text: str
    muted: str
    edge: str
    edge_label: str
    label_background: str
    alert: str
    selection: str


LIGHT = Theme(
    name="light",
    background="#F7F8FA",
    grid="#E6E9EF",
    card="#FFFFFF",
    card_border="#D5DAE3",
    shadow="#101828",
    text="#1F2430",
    muted="#5F6B7E",
    edge="#8A94A6",
    edge_label="#3D4656",
    label_background="#FFFFFF",
    alert="#D92D20",
    selection="#2E90FA",
)

DARK = Theme(
    name="dark",
    background="#15181E",
    grid="#20242C",
    card="#232833",
    card_border="#394050",
    shadow="#000000",
    text="#E7E9EE",
    muted="#A0A9B8",
    edge="#7C8699",
    edge_label="#D0D5DD",
    label_background="#232833",
    alert="#F97066",
    selection="#53B1FD",
)


def theme_named(name: str) -> Theme:
    """``light`` or ``dark``; ValueError for anything else."""
    for theme in (LIGHT, DARK):
        if theme.name == name:
            return theme
    raise ValueError(f"unknown theme {name!r}; use light or dark")
