"""The escalation engine: the model of incidents, misperception, tension and the hotline, and two drivers.

- `sim.engine.model`: what the model says - the rules of a move (`rule`), written once over a number
  namespace (`xp`) for one incident or many; tension, arrivals, the mechanisms of a call, the state of a
  replication and of an incident, the record, the parameters, common random numbers. It imports no driver.
- `sim.engine.events`: the event-by-event driver (SimPy processes: arrivals, shocks, incidents, calls);
  `--exact` runs everything through it.
- `sim.engine.walks`: the fast path's driver - quiet incidents walked without events, one by one or many at
  once on arrays, emulated arrivals, and the agenda that hands incidents back to events when tension jumps.

It imports nothing from `sim` outside itself but the leaves (`sim.quantiles`) and knows nothing of YAML,
files, the command line or plotting: it takes `ModelParameters` (one arm, compiled by `sim.run.compile`)
and a replication seed, and returns a `ReplicationRecord`.
"""

from .events.world import World, simulate
from .model.parameters import ModelParameters
from .model.record import LogEntry, ReplicationRecord
from .model.streams import replication_seed

__all__ = ["LogEntry", "ModelParameters", "ReplicationRecord", "World", "replication_seed", "simulate"]
