"""Progress off a terminal: a plain line every few seconds with done/total, rate and time left; none with
--quiet."""

from __future__ import annotations

import io

from sim.cli.common import progress_lines

from .conftest import REPO


def test_plain_progress_lines_come_every_few_seconds_and_at_the_end() -> None:
    now = [100.0]
    stream = io.StringIO()
    update, stop = progress_lines("replications", stream, every_s=5.0, clock=lambda: now[0])
    for t, done in ((1.0, 10), (4.0, 40), (6.0, 60), (8.0, 80), (30.0, 300)):
        now[0] = 100.0 + t
        update(done, 300)
    stop()
    assert stream.getvalue().splitlines() == [
        "replications 60/300 (20%), 10/s, about 24 s left",
        "replications 300/300 (100%), 10/s, done",
    ]


def test_run_off_a_terminal_logs_progress_and_quiet_silences_it(cli, tmp_path) -> None:
    args = ("run", REPO / "scenarios" / "radar_lock_crisis.yaml", "--replications", "4", "--workers", "1",
            "--arms", "no_hotline,hotline_as_is", "--set", "horizon_days=2")
    status, _, err = cli(*args, "--out", tmp_path / "a")
    assert status == 0 and "replications 4/4 (100%)" in err and "done" in err
    status, _, err = cli(*args, "--out", tmp_path / "b", "--quiet")
    assert status == 0 and err == ""
