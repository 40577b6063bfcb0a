"""Where the passes of a run execute: this machine's processes, or a Ray cluster.

A new engine is one module with the methods of ``Engine`` and one row in ``ENGINES``.
"""

from __future__ import annotations

from ..data import CleanConfig
from ..errors import UsageProblem
from .local import ENGINES, RAY_INSTALL_HINT, Engine, LocalEngine, Progress


def start_engine(
    name: str,
    ray_address: str | None,
    jobs: int,
    progress: Progress | None,
    config: CleanConfig,
    resume: bool,
) -> Engine:
    """Return the engine a run asked for, or say why it cannot run there."""
    if name not in ENGINES:
        raise UsageProblem(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    if name == "local":
        return LocalEngine(jobs, progress)
    if resume or config.index_path:
        option = "--resume" if resume else "--index"
        raise UsageProblem(f"{option} runs on the local engine only; drop it or --engine ray")
    try:
        from .ray.engine import start_ray_engine  # only runs that ask for Ray import it
    except ImportError as error:
        raise UsageProblem(RAY_INSTALL_HINT) from error
    return start_ray_engine(ray_address, jobs, progress)


__all__ = ["ENGINES", "Engine", "LocalEngine", "Progress", "start_engine"]
