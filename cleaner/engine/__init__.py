"""Where the passes of a run execute: this machine's processes, or a Ray cluster."""
