"""Hypothesis over damaged results folders (truncated, flipped, deleted or grown files): `report`,
`compare` and `run --resume` succeed or exit 2 with one line, never a traceback, and nothing is lost: a
refusal leaves the results as they were, and a resume that succeeds gives the uninterrupted results."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main

from .conftest import REPO

CRISIS = REPO / "scenarios" / "radar_lock_crisis.yaml"
FILES = ("manifest.json", "summary.json", "replications.csv", "scenario.yaml")
RUN = ["--replications", "10", "--workers", "1", "--quiet", "--set", "horizon_days=5", "--seed", "4"]


def _cli(argv: list[str]) -> tuple[int, str]:
    import contextlib

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main([str(a) for a in argv])
    return status, err.getvalue()


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("folders")
    assert _cli(["run", CRISIS, *RUN, "--out", base / "whole"])[0] == 0
    # an interrupted copy: the manifest and table cut back to the first chunk, as a stopped run leaves them
    cut = base / "cut"
    shutil.copytree(base / "whole", cut)
    import hashlib
    import json

    manifest = json.loads((cut / "manifest.json").read_text())
    lines = (cut / "replications.csv").read_bytes().splitlines(keepends=True)
    kept = b"".join(lines[: 1 + 2 * 5])
    (cut / "replications.csv").write_bytes(kept + lines[11][:40])
    (cut / "summary.json").unlink()
    manifest.update(status="interrupted", replications_done=5,
                    committed={"replications.csv": {"bytes": len(kept), "sha256": hashlib.sha256(kept).hexdigest()}})
    (cut / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return {"whole": base / "whole", "cut": cut}


@st.composite
def damage(draw: st.DrawFn) -> tuple[str, str, str, float, int]:
    return (draw(st.sampled_from(["whole", "cut"])), draw(st.sampled_from(FILES)),
            draw(st.sampled_from(["truncate", "flip", "delete", "append"])), draw(st.floats(0, 1)),
            draw(st.integers(1, 255)))


def _damage(path: Path, how: str, where: float, byte: int) -> None:
    if not path.exists():
        return
    data = path.read_bytes()
    at = min(int(where * len(data)), max(len(data) - 1, 0))
    if how == "delete":
        path.unlink()
    elif how == "truncate":
        path.write_bytes(data[:at])
    elif how == "flip" and data:
        path.write_bytes(data[:at] + bytes([data[at] ^ byte]) + data[at + 1:])
    else:
        path.write_bytes(data + bytes([byte]) * (1 + at % 7))


def _rows(path: Path) -> dict[tuple[str, str], list[str]]:
    reader = csv.reader(io.StringIO(path.read_text()))
    next(reader)
    rows = [r for r in reader]
    keys = [(r[0], r[1]) for r in rows]
    assert len(keys) == len(set(keys)), "duplicated rows"
    return dict(zip(keys, rows, strict=True))


def _check(folder: Path, folders: dict[str, Path], argv: list, hit: tuple) -> int:
    before = {n: (folder / n).read_bytes() for n in FILES if (folder / n).exists()}
    status, err = _cli(argv)
    assert status in (0, 2), (argv, hit, err)
    assert "Traceback" not in err and "internal error" not in err, (argv, hit, err)
    if status == 2:
        assert len(err.strip().splitlines()) == 1, err
        assert {n: (folder / n).read_bytes() for n in FILES if (folder / n).exists()} == before, argv
    elif argv[1] == "--resume":
        whole = _rows(folders["whole"] / "replications.csv")
        for key, row in _rows(folder / "replications.csv").items():
            assert whole.get(key, row) == row, ("a resumed row differs from the uninterrupted run", key)
    return status


def _copy(folders: dict[str, Path], tmp_path: Path, hit: tuple) -> Path:
    which, name, how, where, byte = hit
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / which
    shutil.copytree(folders[which], folder)
    _damage(folder / name, how, where, byte)
    return folder


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(hit=damage())
def test_damaged_folder_given_to_compare_and_resume_is_refused_or_handled(folders: dict[str, Path],
                                                                          tmp_path: Path, hit: tuple) -> None:
    folder = _copy(folders, tmp_path, hit)
    _check(folder, folders, ["compare", folder, folders["whole"]], hit)
    _check(folder, folders, ["run", "--resume", folder], hit)


@settings(max_examples=8, deadline=None, derandomize=True,  # a report that succeeds draws every figure
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(hit=damage().filter(lambda h: h[1] != "replications.csv"))  # report never reads the table
def test_damaged_folder_given_to_report_is_refused_or_handled(folders: dict[str, Path], tmp_path: Path,
                                                              hit: tuple) -> None:
    folder = _copy(folders, tmp_path, hit)
    _check(folder, folders, ["report", folder, "--format", "png"], hit)
