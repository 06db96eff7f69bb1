"""Files that are not plain YAML data are refused with a located, one-line message and exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import MINIMAL

BOMB = "".join(f"{k}: &{k} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['x'] * 9)}]\n"
               for k, p in zip("abcdefg", ["", "a", "b", "c", "d", "e", "f"], strict=True))

BAD_FILES = [
    ("empty", b"", "1:1: <top level>: the file is empty"),
    ("not yaml", b"name: [unclosed\n", "2:1: <top level>: not valid YAML: expected ',' or ']'"),
    ("tab", b"name: x\n\tparties: 1\n", "2:1: <top level>: not valid YAML: a tab character; YAML indents with "
                                         "spaces only"),
    ("top level list", b"- a\n- b\n", "1:1: <top level>: the top level must be a mapping"),
    ("duplicate key", b"name: x\nname: y\n", "2:1: name: duplicate key (first given on line 1); keep only one"),
    ("python tag", b"name: !!python/object/apply:os.system [ls]\n",
     "1:7: name: the tag !!python/object/apply:os.system is not allowed"),
    ("merge key", b"base: &b {x: 1}\nother:\n  <<: *b\n", "3:3: other: merge keys (<<) are not supported"),
    ("alias bomb", BOMB.encode(), "the document expands to more than 200000 values (an alias bomb?)"),
    ("binary garbage", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "1:1: <top level>: "),
    ("not utf-8", b"name: caf\xe9\n", "1:10: <top level>: the file is not UTF-8 text; save it as UTF-8"),
]


@pytest.mark.parametrize("content,expected", [(c[1], c[2]) for c in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_bad_file_is_refused_with_location(tmp_path: Path, cli, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    status, out, err = cli("validate", path)
    assert status == 2
    assert out == ""
    assert err.startswith(f"{path}:")
    assert expected in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_directory_instead_of_file(tmp_path: Path, cli) -> None:
    status, _, err = cli("validate", tmp_path)
    assert status == 2 and "this is a directory; give a scenario file" in err


def test_missing_file(tmp_path: Path, cli) -> None:
    status, _, err = cli("validate", tmp_path / "nope.yaml")
    assert status == 2 and "no such file; check the path" in err


def test_unreadable_file(tmp_path: Path, cli) -> None:
    import os

    path = tmp_path / "secret.yaml"
    path.write_text(MINIMAL)
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything; the rule cannot be shown here
        pytest.skip("running as a user who can read any file")
    status, _, err = cli("validate", path)
    assert status == 2 and "cannot be read" in err


def test_oversized_file(tmp_path: Path, cli) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(MINIMAL + "description: '" + "x" * 1_100_000 + "'\n")
    status, _, err = cli("validate", path)
    assert status == 2 and "scenario files are limited to 1048576 bytes" in err


def test_valid_file_reports_its_arms(write, cli) -> None:
    status, out, err = cli("validate", write(MINIMAL))
    assert status == 0 and "valid (1 arms: baseline)" in out
    (notice,) = err.splitlines()  # the one-line notice of the rule a file without combine_chances keeps
    assert notice.startswith("notice:") and "combine_chances: odds" in notice
    status, out, err = cli("validate", write(MINIMAL + "combine_chances: odds\n"))
    assert status == 0 and err == ""


def test_fifo_as_the_scenario_is_refused_without_blocking(tmp_path: Path, cli) -> None:
    import os

    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)  # no writer: reading it would block for ever
    status, _, err = cli("validate", fifo)
    assert status == 2 and "this is not a regular file (a device, FIFO or socket)" in err


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_character_device_as_the_scenario_is_refused(device: str, cli) -> None:
    if not Path(device).exists():
        pytest.skip(f"{device} is missing on this system")
    status, _, err = cli("run", device, "--quiet")
    assert status == 2 and "this is not a regular file" in err


@pytest.mark.parametrize("text", ["a: " + "[" * 20_000 + "]" * 20_000,
                                  "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 120)) + "  " * 120 + "c: 1\n"],
                         ids=["flow", "block"])
def test_deeply_nested_yaml_is_refused_with_a_location(tmp_path: Path, cli, text: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    status, _, err = cli("validate", path)
    assert status == 2 and "nested" in err and "internal error" not in err
    assert len(err.strip().splitlines()) == 1
