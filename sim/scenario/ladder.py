"""The escalation ladder: ordered rungs, and the rungs with a special meaning."""

from __future__ import annotations

from pydantic import Field

from .fields import Model, RungId, param

__all__ = ["Rung", "Ladder", "DEFAULT_RUNGS"]


class Rung(Model):
    id: RungId = Field(description="short name used to refer to the rung elsewhere in the file")
    label: str = Field(description="what happens on this rung, as shown in reports")
    mid_level: int = param(ge=1, le=5, basis="fact",
                           doc="nearest Correlates of War MID hostility level (1 none .. 5 war)")


DEFAULT_RUNGS: tuple[Rung, ...] = tuple(Rung(id=i, label=label, mid_level=m) for i, label, m in [
    ("routine_presence", "routine presence in the contiguous zone", 1),
    ("territorial_entry", "entry into the territorial sea or airspace", 3),
    ("shadowing", "shadowing, warnings, pursuit of fishing boats", 3),
    ("blocking", "blocking, dangerous close approach, swarming", 3),
    ("forces_engaged", "navies or air forces engaged (warships in the zone, scrambles)", 3),
    ("physical_coercion", "physical coercion without weapons (water cannon, ramming, boarding)", 4),
    ("weapon_signalling", "weapon-directed signalling (fire-control radar lock, warning shots)", 3),
    ("limited_force", "limited use of force (disabling fire, a fatal incident)", 4),
    ("armed_clash", "armed clash between state forces", 4),
])


class Ladder(Model):
    rungs: list[Rung] = param(default_factory=lambda: list(DEFAULT_RUNGS), min_length=2, max_length=50,
                              basis="fact", doc="ordered rungs, lowest first; the last one is absorbing "
                              "(the crisis ends there). Default: MID levels and the Senkaku record")
    weapons_rung: RungId = param("weapon_signalling", basis="fact",
                                 doc="first rung on which weapons are used or aimed; rules of engagement "
                                 "govern stepping onto it")
    military_rung: RungId = param("forces_engaged", basis="assumption",
                                  doc="from this rung an incident involves defense forces, whatever force "
                                  "layer started it (so a defense hotline covers it)")
    ambiguous_rungs: list[RungId] | None = param(
        None, basis="assumption",
        doc="rungs whose acts are ambiguous: even a deliberate step onto them (a radar lock meant as a warning) "
        "reads as preparation for attack until intent is clarified; default: [weapons_rung]")
    serious_rung: RungId = param("physical_coercion", basis="fact",
                                 doc="incidents reaching this rung or higher count as serious")

    def index(self, rung_id: str) -> int:
        for i, rung in enumerate(self.rungs):
            if rung.id == rung_id:
                return i
        raise KeyError(rung_id)

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.rungs]

    @property
    def ambiguous_ids(self) -> list[str]:
        """The ambiguous rungs, resolved: the listed ones, or the weapons rung alone."""
        return list(self.ambiguous_rungs) if self.ambiguous_rungs is not None else [self.weapons_rung]
