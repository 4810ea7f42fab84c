"""The flowsim command: templates, new, validate; bad input never gives a traceback."""

import os
import subprocess
import sys


from flowsim.cli import main
from flowsim.resources import DEFAULT_TEMPLATE, templates


def run(*args):
    """Run the real command in a child process; return (exit status, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "flowsim", *args], capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


def test_templates_lists_every_bundled_template_default_first(capsys):
    assert main(["templates"]) == 0
    out = capsys.readouterr().out
    names = [t.name for t in templates()]
    assert names[0] == DEFAULT_TEMPLATE
    assert {"lead-flow", "seven-step-workflow", "five-stage-process", "inbound-vs-outbound"} <= set(names)
    for name in names:
        assert name in out


def test_new_then_validate_exits_zero(tmp_path):
    out = tmp_path / "my.flow.yaml"
    assert run("new", "lead-flow", str(out))[0] == 0
    status, stdout, stderr = run("validate", str(out))
    assert (status, stderr) == (0, "")
    assert "valid (12 nodes, 15 edges)" in stdout


def test_new_copies_the_template_with_its_comments(tmp_path):
    out = tmp_path / "my.flow.yaml"
    main(["new", "lead-flow", str(out)])
    text = out.read_text(encoding="utf-8")
    assert "# visitor → lead on a landing page: 4 % (Unbounce 2024" in text


def test_new_will_not_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "my.flow.yaml"
    out.write_text("mine")
    assert main(["new", "lead-flow", str(out)]) == 1
    assert "exists already" in capsys.readouterr().err
    assert out.read_text() == "mine"
    assert main(["new", "lead-flow", str(out), "--force"]) == 0


def test_an_unknown_template_suggests_a_close_name(tmp_path, capsys):
    assert main(["new", "lead-flo", str(tmp_path / "x.flow.yaml")]) == 1
    err = capsys.readouterr().err
    assert "did you mean 'lead-flow'?" in err
    assert not (tmp_path / "x.flow.yaml").exists()


def test_every_bundled_template_validates(template_files):
    status, stdout, stderr = run("validate", *map(str, template_files))
    assert status == 0, stdout + stderr
    assert "warning" not in stdout


def test_usage_errors_exit_2():
    assert run("frobnicate")[0] == 2
    assert run("validate")[0] == 2


def test_help_lists_the_commands():
    status, stdout, _ = run("--help")
    assert status == 0
    for command in ("gui", "templates", "new", "validate"):
        assert command in stdout


def test_the_app_without_a_display_says_so_in_one_line():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "flowsim"], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "no display" in done.stderr


def test_gui_on_a_missing_file_is_a_clear_error(tmp_path):
    status, _, stderr = run("gui", str(tmp_path / "nope.flow.yaml"))
    assert status == 1 and "no such file" in stderr


def test_errors_keep_where_they_point_across_processes():
    import pickle

    from flowsim.errors import RuleError

    err = pickle.loads(pickle.dumps(RuleError("unknown field 'x'", file="f.yaml", line=3, column=7)))
    assert isinstance(err, RuleError) and str(err) == "f.yaml:3:7: unknown field 'x'"
