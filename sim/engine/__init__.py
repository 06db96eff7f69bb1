"""The escalation engine: a SimPy model of incidents, misperception, tension and the hotline.

It imports nothing from `sim` outside itself and knows nothing of YAML, files, the command line or
plotting: it takes `ModelParameters` (one arm, compiled by `sim.run.compile`) and a replication seed, and
returns a `ReplicationRecord`.
"""

from .parameters import ModelParameters
from .record import LogEntry, ReplicationRecord
from .streams import replication_seed
from .world import World, simulate

__all__ = ["LogEntry", "ModelParameters", "ReplicationRecord", "World",
           "replication_seed", "simulate"]
