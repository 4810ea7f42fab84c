"""The look, drawn as SVG and PNG: readable by independent readers, the same for every backend."""

import io
import xml.etree.ElementTree as ET

import cairosvg
import imageio.v3 as iio
import pytest

from flowsim.io import load_flow, loads_flow
from flowsim.render.icons import icon_shapes, parse_path
from flowsim.render.look import CARD_W, edge_geometry, node_shapes, summary
from flowsim.render.raster import scene_to_png
from flowsim.render.scene import build_scene
from flowsim.render.shapes import Text
from flowsim.render.svg import scene_to_svg
from flowsim.render.theme import DARK, LIGHT
from tests.flows import VALID

SVG = "{http://www.w3.org/2000/svg}"


def test_svg_of_every_template_parses_and_names_every_node(template_files):
    for path in template_files:
        flow = load_flow(path)
        svg = scene_to_svg(build_scene(flow), title=flow.name)
        root = ET.fromstring(svg.encode("utf-8"))
        assert root.tag == SVG + "svg" and root.get("viewBox")
        ordered = ["".join(t.itertext()) for t in root.iter(SVG + "text")]
        texts = set(ordered) | {f"{a} {b}" for a, b in zip(ordered, ordered[1:])}  # a title on two lines
        for node in flow.nodes:
            shown = node.title
            assert shown in texts or any(t.endswith("…") and shown.startswith(t[:-1]) for t in texts), shown
        assert "href" not in svg  # no external references


def test_svg_renders_through_cairosvg(template_files):
    flow = load_flow(template_files[0])
    png = cairosvg.svg2png(bytestring=scene_to_svg(build_scene(flow)).encode("utf-8"), output_width=800)
    image = iio.imread(io.BytesIO(png))
    assert image.shape[1] == 800


@pytest.mark.parametrize("width", [320, 1280, 2000])
def test_png_has_the_asked_width_and_is_not_blank(width):
    scene = build_scene(loads_flow(VALID))
    image = iio.imread(io.BytesIO(scene_to_png(scene, width)))
    assert image.shape[1] == width
    assert image.shape[0] == round(scene.height * width / scene.width)
    assert len({tuple(px) for px in image.reshape(-1, image.shape[2])[::97]}) > 20


def test_transparent_png_has_a_clear_background():
    scene = build_scene(loads_flow(VALID), transparent=True)
    image = iio.imread(io.BytesIO(scene_to_png(scene)))
    assert image.shape[2] == 4 and image[0, 0, 3] == 0


def test_the_svg_and_png_backends_draw_the_same_picture():
    scene = build_scene(loads_flow(VALID))
    direct = iio.imread(io.BytesIO(scene_to_png(scene))).astype(float)[..., :3]
    via_svg = iio.imread(io.BytesIO(cairosvg.svg2png(bytestring=scene_to_svg(scene).encode()))).astype(float)[..., :3]
    assert direct.shape == via_svg.shape
    assert abs(direct - via_svg).mean() < 4  # anti-aliasing differs; the picture does not


def test_cards_show_title_and_key_figure():
    flow = loads_flow(VALID)
    texts = [s.text for s in node_shapes(flow.node("sdrs"), LIGHT) if isinstance(s, Text)]
    assert texts == ["sdrs", "2 reps · ~30m"]
    assert summary(flow.node("ads")) == "40/day · $35/lead"
    assert summary(flow.node("form")) == "50 % convert"


def test_a_long_title_is_shortened_to_fit_the_card():
    flow = loads_flow(VALID)
    flow.set_node("ads", "label", "A channel with a very long name indeed, far too long")
    title = [s for s in node_shapes(flow.node("ads"), DARK) if isinstance(s, Text)][0]
    assert title.text.endswith("…") and len(title.text) < 30


def test_edges_run_from_right_to_left_going_forward_and_loop_under_going_back():
    flow = loads_flow(VALID)
    ads, form = flow.node("ads"), flow.node("form")
    forward = edge_geometry(ads, form)
    assert forward.p0 == (CARD_W, 30.0) and forward.tip == (280.0, 30.0)
    back = edge_geometry(form, ads)
    assert back.c1[1] > 60 and back.c2[1] > 60  # below both cards


def test_icons_parse_into_absolute_segments():
    assert parse_path("M3 10v4h3l6 4V6z") == (
        ("M", 3, 10), ("L", 3, 14), ("L", 6, 14), ("L", 12, 18), ("L", 12, 6), ("Z",),
    )
    for kind in ("source", "capture", "score", "segment", "nurture", "handoff", "sales", "sink"):
        assert icon_shapes(kind, 0, 0, 24, "#000000"), kind
