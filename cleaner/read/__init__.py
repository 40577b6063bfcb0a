"""Read the input: find files, decode bytes, extract HTML pages."""
