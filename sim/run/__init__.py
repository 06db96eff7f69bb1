"""Running a scenario: compiling it into engine parameters, replications in chunks on an executor,
streaming summaries and statistics, sweeps, calibration and replays for traces. No files are written here."""
