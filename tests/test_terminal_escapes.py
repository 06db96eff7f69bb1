"""Control characters in scenario text reach the terminal escaped; files keep the text as written."""

from __future__ import annotations

from pathlib import Path

from .conftest import MINIMAL

ESC = "\x1b[2J\x1b]0;owned\x07"
NAME = f'"evil{ESC.encode("unicode_escape").decode()}"'


def _scenario(write) -> Path:
    text = MINIMAL.replace("name: minimal", f"name: {NAME}").replace("{label: Alpha}",
                                                                     '{label: "Al\\x1b[31mpha\\u202e"}')
    return write(text)


def test_run_shows_escape_sequences_in_names_escaped(tmp_path: Path, cli, write) -> None:
    out = tmp_path / "r"
    status, text, err = cli("run", _scenario(write), "--replications", "3", "--workers", "1", "--quiet",
                            "--out", out)
    assert status == 0, err
    assert "\x1b" not in text and "\x07" not in text and "\\x1b[2J" in text
    assert ESC in (out / "scenario.yaml").read_text() or "\\e[2J" in (out / "scenario.yaml").read_text()


def test_trace_shows_escape_sequences_in_labels_escaped(cli, write) -> None:
    status, text, err = cli("trace", _scenario(write), "--all")
    assert status == 0, err
    assert "\x1b" not in text and "\u202e" not in text and "\\x1b" in text


def test_validate_and_errors_escape_control_characters(tmp_path: Path, cli) -> None:
    path = tmp_path / "bad\x1b[31m.yaml"
    path.write_text("name: [\n")
    status, out, err = cli("validate", path)
    assert status == 2 and "\x1b" not in err and "\\x1b[31m" in err
