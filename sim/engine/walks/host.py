"""What the walks need of the driver that hosts them (`sim.engine.events.world.World`): the model's state,
the clock, the agenda, and two ways back to events - an arrival that climbs, and a walked incident taken
back when tension jumps. A protocol, so that the walks never import the event-by-event driver."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from ..clock import Clock
from ..model.incident import Pending
from ..model.parameters import IncidentTypeParameters, ModelParameters
from ..model.state import Replication
from ..model.streams import Draws
from .walked import Batch

__all__ = ["Host", "Scheduler"]


class Scheduler(Protocol):
    """What the emulated arrivals need of the agenda (`sim.engine.walks.agenda.Agenda`)."""

    tied: bool
    orderless: set[int]

    def event_at(self, day: float) -> Any: ...

    def resume_at(self, day: float) -> Any: ...

    def right_after(self, callback: Callable[[Any], None]) -> None: ...

    def hand_back(self, batch: Batch, day: float, affected: np.ndarray) -> None: ...


class Host(Protocol):
    p: ModelParameters
    rep: Replication
    env: Clock
    agenda: Scheduler

    def spawn(self, kind: IncidentTypeParameters, number: int | None = None) -> Any:
        """Run an incident of `kind` (number `number` in its type) event by event from its start, now."""

    def resume(self, kind: IncidentTypeParameters, number: int, draws: Draws, pending: Pending,
               covered: bool) -> None:
        """Run a walked incident on event by event from the state it reached (`pending`), reading its
        uniforms on from where the walk left them (`draws`)."""
