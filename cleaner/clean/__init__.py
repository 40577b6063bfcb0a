"""Clean one document: normalize, strip boilerplate, drop repeated blocks (pure)."""
