"""The escalation engine: a SimPy model of incidents, misperception, tension and the hotline.

It knows nothing of YAML, files, the command line or plotting: it takes a validated scenario (one arm),
compiled into `ModelParameters`, and a replication seed, and returns a `ReplicationRecord`.
"""

from .parameters import ModelParameters, compile_scenario
from .record import LogEntry, ReplicationRecord
from .streams import replication_seed
from .world import World, simulate

__all__ = ["LogEntry", "ModelParameters", "ReplicationRecord", "World", "compile_scenario",
           "replication_seed", "simulate"]
