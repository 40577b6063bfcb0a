"""The Ray engine: the same stage functions on a Ray cluster (the ray extra)."""
