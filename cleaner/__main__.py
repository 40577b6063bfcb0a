"""Allow ``python -m cleaner``."""

from .cli import main

main()
