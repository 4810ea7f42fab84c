"""``flowsim export``'s arguments and run(): files written, bad input as FlowError, a progress
bar only on a terminal."""

import argparse
import io

import imageio.v3 as iio
import pytest

from flowsim.errors import ExportError, FlowError
from flowsim.render.command import ProgressBar, add_arguments, run
from tests.flows import VALID


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="flowsim export")
    add_arguments(parser)
    return parser.parse_args(argv)


@pytest.fixture
def flow_file(tmp_path):
    path = tmp_path / "test.flow.yaml"
    path.write_text(VALID.replace("days: 30", "days: 4"), encoding="utf-8")
    return path


def test_export_writes_the_file_and_says_so(flow_file, tmp_path, capsys):
    out = tmp_path / "leads.gif"
    assert run(parse(str(flow_file), "-o", str(out), "--width", "120", "--fps", "8", "--duration", "1",
                     "--seed", "4", "--theme", "dark")) == 0
    assert iio.imread(out, index=None).shape[:3] == (8, iio.imread(out, index=0).shape[0], 120)
    said = capsys.readouterr()
    assert said.out.startswith(f"wrote {out} (") and said.err == ""  # no bar: not a terminal


def test_presets_and_sizes_give_slide_frames(flow_file, tmp_path):
    gif = tmp_path / "square.gif"
    run(parse(str(flow_file), "-o", str(gif), "--preset", "square", "--fps", "5", "--duration", "1"))
    assert iio.imread(gif, index=0).shape[:2] == (720, 720)
    png = tmp_path / "slide.png"
    run(parse(str(flow_file), "-o", str(png), "--size", "1600x900", "--no-badges"))
    assert iio.imread(png).shape[:2] == (900, 1600)


def test_stills_take_width_and_transparent(flow_file, tmp_path):
    out = tmp_path / "flow.png"
    run(parse(str(flow_file), "--output", str(out), "--width", "300", "--transparent"))
    image = iio.imread(out)
    assert image.shape[1] == 300 and image[0, 0, 3] == 0


@pytest.mark.parametrize("argv, match", [
    (["-o", "{tmp}/x.gif", "--fps", "0"], "fps"),
    (["-o", "{tmp}/x.png", "--width", "100000"], "width"),
    (["-o", "{tmp}/x.bmp"], "must end in"),
    (["-o", "{tmp}/no/such/folder/x.svg"], "does not exist"),
    (["-o", "{tmp}/x.mp4", "--width", "1280.5"], "whole number"),
    (["-o", "{tmp}/x.mp4", "--size", "1920 by 1080"], "WIDTHxHEIGHT"),
    (["-o", "{tmp}/x.mp4", "--size", "1921x1080"], "even"),
    (["-o", "{tmp}/x.gif", "--size", "800x600", "--preset", "square"], "either a preset or a size"),
])
def test_bad_options_are_flow_errors_before_the_flow_is_read(tmp_path, argv, match):
    args = parse(str(tmp_path / "missing.flow.yaml"), *(a.format(tmp=tmp_path) for a in argv))
    with pytest.raises(ExportError, match=match):
        run(args)


def test_a_broken_flow_file_is_a_flow_error_naming_the_file(tmp_path):
    bad = tmp_path / "bad.flow.yaml"
    bad.write_text("flowsim: 1\nnodes: [\n", encoding="utf-8")
    with pytest.raises(FlowError, match="bad.flow.yaml"):
        run(parse(str(bad), "-o", str(tmp_path / "x.svg")))


def test_arguments_that_are_not_numbers_are_usage_errors(capsys):
    with pytest.raises(SystemExit) as caught:
        parse("f.flow.yaml", "-o", "x.gif", "--fps", "fast")
    assert caught.value.code == 2 and "not a number" in capsys.readouterr().err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_draws_on_a_terminal_only():
    term = Terminal()
    bar = ProgressBar("exporting x.gif", term, width=10)
    for f in (0.0, 0.5, 1.0):
        bar(f)
    bar.close()
    text = term.getvalue()
    assert text.startswith("\rexporting x.gif [") and "[##########] 100%" in text and text.endswith("\n")
    quiet = io.StringIO()
    bar = ProgressBar("x", quiet)
    bar(0.5)
    bar.close()
    assert quiet.getvalue() == ""
