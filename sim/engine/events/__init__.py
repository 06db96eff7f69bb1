"""The event-by-event driver: SimPy processes for arrivals, shocks, incidents and calls."""
