"""The "Blacklist lookup" tab: the zone catalogue, the sweep and its results."""
