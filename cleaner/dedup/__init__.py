"""Near-duplicate documents: MinHash signatures, LSH, exact checks, clusters, index."""
