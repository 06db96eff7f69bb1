"""Reporting: pure dataset functions, figures drawn from them, the briefing, comparisons and narratives.

Reports read results folders; they never rerun the model (except `trace`, which replays one replication
on purpose, with the event log on).
"""
