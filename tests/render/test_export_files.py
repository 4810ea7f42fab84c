"""export_flow's files, each opened with a reader that is not ours: XML and cairosvg for the
SVG, imageio (Pillow) for the PNG and GIF, imageio's ffmpeg plugin for the MP4."""

import io
import struct
import xml.etree.ElementTree as ET

import cairosvg
import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from flowsim.render.export import export_flow
from flowsim.render.scene import build_scene

SVG = "{http://www.w3.org/2000/svg}"


def test_the_svg_parses_names_every_node_as_text_and_renders(tmp_path, valid_flow):
    out = export_flow(valid_flow, tmp_path / "flow.svg")
    root = ET.parse(out).getroot()
    assert root.tag == SVG + "svg" and root.get("viewBox")
    texts = {"".join(t.itertext()) for t in root.iter(SVG + "text")}
    assert {node.title for node in valid_flow.nodes} <= texts
    assert valid_flow.name in texts
    png = cairosvg.svg2png(url=str(out), output_width=500)
    assert iio.imread(io.BytesIO(png)).shape[1] == 500


def test_the_svg_width_sets_its_displayed_size_and_keeps_the_viewbox(tmp_path, valid_flow):
    root = ET.parse(export_flow(valid_flow, tmp_path / "flow.svg", width=300)).getroot()
    assert root.get("width") == "300"
    assert root.get("viewBox").split()[2] == str(build_scene(valid_flow).width)


@pytest.mark.parametrize("width", [16, 333, 1600])
def test_the_png_has_the_asked_width(tmp_path, valid_flow, width):
    out = export_flow(valid_flow, tmp_path / "flow.png", width=width)
    with Image.open(out) as image:
        assert image.format == "PNG" and image.width == width
        scene = build_scene(valid_flow)
        assert image.height == round(scene.height * width / scene.width)


def test_the_png_defaults_to_the_flows_own_size_and_can_be_transparent(tmp_path, valid_flow):
    scene = build_scene(valid_flow)
    with Image.open(export_flow(valid_flow, tmp_path / "a.png")) as image:
        assert image.size == (scene.width, scene.height)
    pixels = iio.imread(export_flow(valid_flow, tmp_path / "b.png", transparent=True, theme="dark"))
    assert pixels.shape[2] == 4 and pixels[0, 0, 3] == 0


def test_a_still_with_results_shows_the_runs_badges(tmp_path, valid_flow, valid_run):
    root = ET.parse(export_flow(valid_flow, tmp_path / "run.svg", results=valid_run)).getroot()
    texts = ["".join(t.itertext()) for t in root.iter(SVG + "text")]
    entered = valid_run.nodes["form"]["entered"].mean
    assert any(t.startswith(f"{entered:,.0f} in") for t in texts)


def test_the_gif_loops_with_fps_times_duration_frames_of_the_asked_size(tmp_path, valid_flow, valid_run):
    out = export_flow(valid_flow, tmp_path / "leads.gif", width=200, fps=10, duration=1.5, results=valid_run)
    frames = iio.imread(out, index=None)
    assert frames.shape[0] == 15 and frames.shape[2] == 200
    with Image.open(out) as gif:
        assert gif.n_frames == 15 and gif.width == 200
        assert gif.info.get("loop") == 0  # forever
        delays = []
        for i in range(gif.n_frames):
            gif.seek(i)
            delays.append(gif.info["duration"])
    assert sum(delays) == pytest.approx(1500, abs=10)
    assert 1000 / np.mean(delays) == pytest.approx(10, rel=0.02)
    assert (frames[3] != frames[4]).any()


def test_the_gif_defaults_to_15_fps(tmp_path, valid_flow, valid_run):
    out = export_flow(valid_flow, tmp_path / "leads.gif", width=120, duration=1, results=valid_run)
    assert iio.imread(out, index=None).shape[0] == 15


def _top_level_boxes(data: bytes) -> list[str]:
    boxes, at = [], 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        if size == 1:
            size = struct.unpack(">Q", data[at + 8:at + 16])[0]
        boxes.append(kind.decode("latin-1"))
        if size < 8:
            break
        at += size
    return boxes


def test_the_mp4_is_h264_yuv420p_with_fps_times_duration_frames_of_the_asked_size(tmp_path, valid_flow):
    progress = []
    out = export_flow(valid_flow, tmp_path / "leads.mp4", width=240, fps=12, duration=1.25, days=5, seed=2,
                      progress=progress.append)
    meta = iio.immeta(out, plugin="FFMPEG")
    assert meta["codec"] == "h264" and meta["pix_fmt"].startswith("yuv420p")
    assert meta["fps"] == 12
    frames = list(iio.imiter(out, plugin="FFMPEG"))
    assert len(frames) == 15
    height = frames[0].shape[0]
    assert frames[0].shape[1] == 240 and height % 2 == 0
    assert (np.abs(frames[5].astype(int) - frames[6]).max()) > 30  # the leads move
    boxes = _top_level_boxes(out.read_bytes())
    assert boxes.index("moov") < boxes.index("mdat")  # +faststart: plays while it downloads
    assert progress == sorted(progress) and progress[-1] == 1.0


def test_an_mp4_given_a_width_is_16_by_9_with_the_nearest_even_height(tmp_path, valid_flow, valid_run):
    width = 250  # 250 × 9 / 16 = 140.6: the even height nearest is 140
    out = export_flow(valid_flow, tmp_path / "odd.mp4", width=width, fps=4, duration=0.5, results=valid_run)
    frame = next(iter(iio.imiter(out, plugin="FFMPEG")))
    assert frame.shape[:2] == (140, 250)


def test_an_export_replaces_an_existing_file_and_leaves_nothing_else(tmp_path, valid_flow, valid_run):
    target = tmp_path / "old.gif"
    target.write_bytes(b"old")
    export_flow(valid_flow, target, width=64, fps=4, duration=0.5, results=valid_run)
    assert target.read_bytes()[:6] == b"GIF89a"
    assert [p.name for p in tmp_path.iterdir()] == ["old.gif"]
