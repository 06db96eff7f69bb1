"""The fast path's driver: incidents walked without events, exact by construction (same rules, same floats)."""
