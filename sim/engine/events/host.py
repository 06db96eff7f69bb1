"""What the routines of incidents and calls need of the driver that runs them
(`sim.engine.events.world.World`): a protocol, so that they never import it."""

from __future__ import annotations

from typing import Any, Protocol

from ..clock import Clock
from ..model.parameters import ModelParameters
from ..model.record import ReplicationRecord
from ..model.state import Replication
from ..model.streams import Streams
from ..model.tension import Tensions
from .hotline import Hotline

__all__ = ["Driver"]


class Driver(Protocol):
    p: ModelParameters
    rep: Replication
    env: Clock
    agenda: Any  # sim.engine.walks.agenda.Agenda: `event_at(day)`, for incidents handed back by the walks
    channels: list[Hotline]
    pair_channels: list[list[Hotline]]
    touched: bool  # a channel mattered: a call was considered over one, or one was suspended

    @property
    def record(self) -> ReplicationRecord: ...

    @property
    def streams(self) -> Streams: ...

    @property
    def tensions(self) -> Tensions: ...
