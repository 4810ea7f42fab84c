"""The window with the default template renders to a real picture (not a blank one)."""

from PySide6.QtGui import QImage

from flowsim.resources import DEFAULT_TEMPLATE


def distinct_colours(image: QImage, step: int = 7) -> int:
    seen = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(image.pixel(x, y))
    return len(seen)


def test_the_main_window_with_the_default_template_is_not_blank(window, tmp_path):
    window.open_template(DEFAULT_TEMPLATE)
    window.view.fit()
    picture = window.grab()
    path = tmp_path / "window.png"
    assert picture.save(str(path))
    image = QImage(str(path))
    assert image.width() >= 1000 and image.height() >= 600
    assert distinct_colours(image) > 50
    canvas = window.view.viewport().grab().toImage()
    assert distinct_colours(canvas, 5) > 30  # the cards, in their colours
