"""The model: what happens in a replication, independent of how it is driven (events or walks).

It never imports a driver (`sim.engine.events`, `sim.engine.walks`, `sim.engine.clock`); a test checks it.
"""
