"""Hostile and broken files are refused with the line at fault, never expanded or run."""

import pytest

from flowsim.errors import FlowFileError, FormatError
from flowsim.io import load_flow, loads_flow
from flowsim.io.yamlread import MAX_ALIAS_VALUES, MAX_DEPTH, read_yaml

BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)


def test_the_classic_billion_laughs_is_342_bytes_and_refused_early():
    assert len(BILLION_LAUGHS) == 342
    with pytest.raises(FlowFileError) as caught:
        read_yaml(BILLION_LAUGHS)
    assert "billion laughs" in str(caught.value)
    assert caught.value.line == 5  # 9**4 lols would pass the limit at line 5


def test_a_few_aliases_are_fine():
    doc = read_yaml("mix: &mix {VP: 0.5, Manager: 0.5}\nother: *mix\n")
    assert doc.data["other"] == {"VP": 0.5, "Manager": 0.5}
    assert doc.data["other"] is not doc.data["mix"]  # editing one never edits the other
    assert MAX_ALIAS_VALUES >= 1000


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 100_000])
def test_deep_nesting_is_refused_before_it_recurses(depth):
    # Refused, on the line at fault, without a RecursionError. Which check speaks first
    # (ours at MAX_DEPTH, or libyaml's own depth limit in newer PyYAML wheels) is the
    # library's business, so the wording is not asserted here.
    with pytest.raises(FlowFileError) as caught:
        read_yaml("[" * depth + "]" * depth)
    assert caught.value.line == 1


def test_nesting_just_past_the_limit_names_the_limit():
    with pytest.raises(FlowFileError) as caught:
        read_yaml("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert str(MAX_DEPTH) in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "x: !!python/object:os.system {}",
        "x: !!python/object/apply:os.system ['echo hacked']",
        "x: !!python/name:os.system",
        "x: !!binary aGVsbG8=",
        "x: !custom 3",
        "x: !!set {a, b}",
    ],
)
def test_tags_beyond_plain_data_are_refused(text):
    with pytest.raises(FlowFileError) as caught:
        read_yaml(text)
    assert "is not allowed" in str(caught.value)
    assert caught.value.line == 1


def test_duplicate_keys_are_refused_with_both_lines():
    with pytest.raises(FlowFileError) as caught:
        read_yaml("a: 1\nb: 2\na: 3\n")
    assert str(caught.value) == "line 3: duplicate key 'a' (first on line 1)"


def test_malformed_yaml_names_its_line():
    with pytest.raises(FlowFileError) as caught:
        read_yaml("a: 1\nb: [1, 2\nc: 3\n")
    assert caught.value.line == 3
    assert "YAML syntax error" in str(caught.value)


def test_two_documents_are_refused():
    with pytest.raises(FlowFileError, match="one YAML document"):
        read_yaml("a: 1\n---\nb: 2\n")


def test_plain_yaml_types_come_back_as_safe_load_gives_them():
    doc = read_yaml("i: 3\nf: 2.5\ne: 1e3\nb: true\nn: null\ns: text\nd: 2024-01-01\nl: [1, two]\n")
    assert doc.data == {"i": 3, "f": 2.5, "e": 1000.0, "b": True, "n": None, "s": "text", "d": "2024-01-01", "l": [1, "two"]}


def test_every_key_has_its_line():
    doc = read_yaml("a:\n  b: 1\n  c:\n    - x\n    - {d: 2}\n")
    assert doc.lines == {("a",): 1, ("a", "b"): 2, ("a", "c"): 3, ("a", "c", 0): 4, ("a", "c", 1): 5, ("a", "c", 1, "d"): 5}


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.flow.yaml"
    path.write_bytes(b"flowsim: 1\n" + b"# padding padding padding padding\n" * 1_600_000)
    assert path.stat().st_size > 50_000_000
    with pytest.raises(FlowFileError) as caught:
        load_flow(path)
    assert "limited to" in str(caught.value) and caught.value.line == 1


def test_a_binary_file_is_refused_with_the_line_of_its_first_nul(tmp_path):
    path = tmp_path / "image.flow.yaml"
    path.write_bytes(b"flowsim: 1\nname: x\n\x89PNG\x00\x00\x1a")
    with pytest.raises(FlowFileError) as caught:
        load_flow(path)
    assert caught.value.line == 3 and "binary" in str(caught.value)


def test_text_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.flow.yaml"
    path.write_bytes("flowsim: 1\nname: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(FlowFileError) as caught:
        load_flow(path)
    assert caught.value.line == 2 and "UTF-8" in str(caught.value)


def test_a_byte_order_mark_is_fine(tmp_path):
    path = tmp_path / "bom.flow.yaml"
    path.write_bytes("\ufeffflowsim: 1\nname: BOM\n".encode("utf-8"))
    assert load_flow(path).name == "BOM"


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(FlowFileError, match="no such file"):
        load_flow(tmp_path / "nope.flow.yaml")


@pytest.mark.parametrize(
    ("text", "words", "line"),
    [
        ("name: x\n", "not a flowsim file", 1),
        ("flowsim: 9\nname: x\n", "format 9, from a newer flowsim", 1),
        ("flowsim: one\n", "whole number", 1),
        ("- a\n- b\n", "a mapping that starts with 'flowsim: 1'", 1),
        ("flowsim: 1\nnodes: {a: 1}\n", "'nodes' must be a list", 2),
        ("flowsim: 1\nnodes:\n  - just text\n", "nodes item 1 must be a mapping", 3),
        ("flowsim: 1\nedges: [1]\n", "edges item 1 must be a mapping", 2),
    ],
)
def test_yaml_that_is_not_a_flow_is_a_format_error(text, words, line):
    with pytest.raises((FormatError, FlowFileError)) as caught:
        loads_flow(text, file="f.yaml")
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"f.yaml:{line}: ")
