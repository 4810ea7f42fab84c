"""Leaving nodes and edges out of a picture or a video."""

import xml.etree.ElementTree as ET

import imageio.v3 as iio

from flowsim.render.export import export_flow
from flowsim.render.visible import visible_part

SVG = "{http://www.w3.org/2000/svg}"


def texts_of(path):
    return {"".join(t.itertext()) for t in ET.parse(path).getroot().iter(SVG + "text")}


def test_a_hidden_node_and_its_edges_leave_the_picture(tmp_path, valid_flow):
    out = export_flow(valid_flow, tmp_path / "x.svg", hide=["lost"])
    texts = texts_of(out)
    assert "won" in texts and "lost" not in texts
    shown = visible_part(valid_flow, ["lost"])
    assert all("lost" not in (e.source, e.target) for e in shown.edges)
    assert valid_flow.has_node("lost")  # the flow itself is untouched


def test_a_hidden_edge_leaves_only_that_edge(valid_flow):
    shown = visible_part(valid_flow, ["sdrs->won"])
    assert [n.id for n in shown.nodes] == [n.id for n in valid_flow.nodes]
    assert ("sdrs", "won") not in {(e.source, e.target) for e in shown.edges}
    assert len(shown.edges) == len(valid_flow.edges) - 1


def test_an_animation_with_a_hidden_node_still_simulates_the_whole_flow(tmp_path, valid_flow):
    out = export_flow(valid_flow, tmp_path / "x.gif", width=320, fps=5, duration=2, days=10, seed=1, hide=["lost"])
    frames = iio.imread(out, index=None)
    assert frames.shape[0] == 10 and frames.shape[2] == 320
