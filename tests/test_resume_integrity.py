"""Resuming trusts only what the manifest vouches for: torn rows never pass, changed rows are refused, a
lost summary is rebuilt from the rows, and damaged manifests or summaries give exit 2 with one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim import load_scenario
from sim.folder.files import ResultsFolder
from sim.folder.run_folder import resume_run, start_run
from sim.run.executors import SerialExecutor
from sim.run.experiment import Plan

from .conftest import REPO

FLAGSHIP = REPO / "scenarios" / "senkaku_baseline.yaml"
ARMS = ("no_hotline", "hotline_rapid")


@pytest.fixture(scope="module")
def loaded():
    return load_scenario(FLAGSHIP, ["horizon_days=60"]).select(ARMS)


class _StopAfter(SerialExecutor):
    def __init__(self, chunks: int):
        self.chunks = chunks

    def map(self, fn, tasks):
        for i, task in enumerate(tasks):
            if i == self.chunks:
                raise KeyboardInterrupt
            yield fn(task)


def _run(loaded, folder: Path, executor=None) -> None:
    start_run(loaded, Plan(ARMS, 20, 99, 5), ResultsFolder.create(folder), executor or SerialExecutor(), ["t"])


@pytest.fixture(scope="module")
def whole(loaded, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("whole") / "r"
    _run(loaded, path)
    return path


def _interrupted(loaded, path: Path) -> Path:
    with pytest.raises(KeyboardInterrupt):
        _run(loaded, path, _StopAfter(2))
    return path


@pytest.mark.parametrize("newline", ["", "\n"], ids=["torn", "torn-then-newline"])
def test_torn_row_ending_on_a_comma_is_dropped_on_resume(loaded, whole: Path, tmp_path: Path,
                                                         newline: str) -> None:
    cut = _interrupted(loaded, tmp_path / "cut")
    row = (whole / "replications.csv").read_text().splitlines()[11]  # the first row not yet written in cut
    torn = row[: row.rindex(",") + 1]  # all fields there, the last one empty: a CSV reader takes it whole
    assert len(torn.split(",")) == len(row.split(","))
    with open(cut / "replications.csv", "a") as fh:
        fh.write(torn + newline)
    resume_run(cut, SerialExecutor(), ["t", "--resume"])
    for name in ("replications.csv", "summary.json"):
        assert (cut / name).read_bytes() == (whole / name).read_bytes(), name


def test_folder_from_before_committed_checksums_still_resumes(loaded, whole: Path, tmp_path: Path) -> None:
    cut = _interrupted(loaded, tmp_path / "old")
    manifest = json.loads((cut / "manifest.json").read_text())
    del manifest["committed"]  # as written by earlier versions
    (cut / "manifest.json").write_text(json.dumps(manifest))
    row = (whole / "replications.csv").read_text().splitlines()[11]
    with open(cut / "replications.csv", "a") as fh:
        fh.write(row[: row.rindex(",") + 1])
    resume_run(cut, SerialExecutor(), ["t"])
    assert (cut / "replications.csv").read_bytes() == (whole / "replications.csv").read_bytes()


def test_rows_changed_after_they_were_written_are_refused(loaded, tmp_path: Path, cli) -> None:
    cut = _interrupted(loaded, tmp_path / "changed")
    table = cut / "replications.csv"
    lines = table.read_text().splitlines(keepends=True)
    lines[3] = lines[3].replace(",0,", ",1,", 1)
    table.write_text("".join(lines))
    before = table.read_bytes()
    status, _, err = cli("run", "--resume", cut, "--workers", "1", "--quiet")
    assert status == 2 and "was changed after hotline wrote it" in err and len(err.splitlines()) == 1
    assert table.read_bytes() == before


def test_resume_rebuilds_a_lost_summary_from_the_rows(whole: Path, tmp_path: Path, cli) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(whole, copy)
    (copy / "summary.json").unlink()
    status, _, err = cli("report", copy)
    assert status == 2 and f"rebuild it with hotline run --resume {copy}" in err
    status, _, err = cli("run", "--resume", copy, "--workers", "1", "--quiet")
    assert status == 0, err
    assert (copy / "summary.json").read_bytes() == (whole / "summary.json").read_bytes()


DAMAGE = {
    "not json": b"{not json",
    "not utf-8": b'{"status": "caf\xe9"}',
    "a list": b"[1, 2, 3]",
    "incomplete": b'{"status": "complete"}',
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("name", ["manifest.json", "summary.json"])
@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_damaged_manifest_or_summary_exits_2_with_one_line(whole: Path, tmp_path: Path, cli, name: str,
                                                           damage: str) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(whole, copy)
    (copy / name).write_bytes(DAMAGE[damage])
    for args in (["report", copy], ["compare", copy, whole], ["run", "--resume", copy, "--quiet"]):
        status, _, err = cli(*args)
        if status == 0:  # resume rebuilds a damaged summary from the rows; report and compare need little
            assert (args[0], name) != ("run", "manifest.json"), "resumed without a usable manifest"
            if args[0] == "run":
                assert (copy / "summary.json").read_bytes() == (whole / "summary.json").read_bytes()
            (copy / name).write_bytes(DAMAGE[damage])
            continue
        assert status == 2, (args, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and "internal error" not in err
        assert str(copy) in err
    assert (copy / "replications.csv").read_bytes() == (whole / "replications.csv").read_bytes()
