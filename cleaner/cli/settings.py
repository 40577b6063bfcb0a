"""Settings files on the command line: ``--config FILE``, ``pyproject.toml``, ``--print-config``.

``run.py`` adds :func:`settings_file_options` to every command that takes the
options of a run and calls :func:`settled_config` in its callback: the settings
file goes under the flags (a flag given on the command line wins, the file beats
the built-in default), and ``--print-config`` prints the result and exits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from ..clean.boilerplate.user_rules import render_rules
from ..clean.filters import FilterConfig, parse_filters
from ..data import CleanConfig
from ..errors import UsageProblem
from ..settings import (
    PYPROJECT,
    LoadedSettings,
    Setting,
    merge_settings,
    parse_settings,
    render_filters,
    render_settings,
    render_value,
)

# Where a value comes from when the settings file may replace it: not from a flag.
OVERRIDABLE_SOURCES = (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)

MakeConfig = Callable[[dict[str, Any]], CleanConfig]


def settings_file_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--config FILE`` and ``--print-config`` (they come first in the help)."""
    command = click.option(
        "--print-config",
        is_flag=True,
        help="Print the effective settings as TOML (a file --config reads) and exit.",
    )(command)
    return click.option(
        "--config",
        "config_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        metavar="FILE",
        help=f"Read settings from this TOML file [default: [tool.cleaner] of ./{PYPROJECT}]; "
        "flags override it.",
    )(command)


def settled_config(
    options: dict[str, Any], settings: Sequence[Setting], make_config: MakeConfig
) -> CleanConfig:
    """Merge the settings file under the flags and build the configuration.

    Pops ``config_file`` and ``print_config`` from ``options``. With
    ``--print-config`` it prints the effective settings and exits 0.
    ``make_config`` turns the merged options into a CleanConfig or raises
    ValueError; a bad value is a usage error naming the key and the file.
    """
    ctx = click.get_current_context()
    config_file, print_config = options.pop("config_file"), options.pop("print_config")
    filter_entries = options.pop("filter_entries", ())
    loaded = _load_settings(config_file, settings)
    merged = merge_settings(options, loaded, lambda name: _is_explicit(ctx, name))
    try:
        config = make_config(merged)
    except ValueError as error:
        message = _blame_setting(loaded, merged, error, settings, make_config)
        raise click.UsageError(message) from error
    if loaded is not None and loaded.rules:
        config = replace(config, boilerplate=replace(config.boilerplate, rules=loaded.rules))
    file_filters = loaded.filters if loaded is not None and loaded.filters else FilterConfig()
    try:  # the file's [filters], then each --filter over them
        config = replace(config, filters=parse_filters(filter_entries, file_filters))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--filter'") from error
    if print_config:
        origins = {}
        for setting in settings:
            if _is_explicit(ctx, setting.name):
                origins[setting.name] = "from the command line"
            elif loaded is not None and setting.name in loaded.values:
                origins[setting.name] = f"from {loaded.source}"
        text = render_settings(settings, merged, origins)
        text += render_filters(config.filters)
        if loaded is not None:
            text += render_rules(loaded.rules, f"from {loaded.source}")
        click.echo(text, nl=False)
        ctx.exit(0)
    return config


def required_argument(value: str | None, name: str = "input_path") -> str:
    """Return an argument that is optional only so that ``--print-config`` works alone."""
    if value is None:
        ctx = click.get_current_context()
        argument = next(param for param in ctx.command.params if param.name == name)
        raise click.MissingParameter(ctx=ctx, param=argument)
    return value


def _is_explicit(ctx: click.Context, name: str) -> bool:
    """Tell whether a parameter was given on the command line, not left at its default."""
    return ctx.get_parameter_source(name) not in OVERRIDABLE_SOURCES


def _load_settings(config_file: Path | None, settings: Sequence[Setting]) -> LoadedSettings | None:
    """Read ``--config FILE``, or else the ``[tool.cleaner]`` table of ``./pyproject.toml``."""
    path = config_file if config_file is not None else Path(PYPROJECT)
    if config_file is None and not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise click.UsageError(f"cannot read settings from {path}: {error}") from error
    try:
        return parse_settings(text, str(path), settings, required=config_file is not None)
    except UsageProblem as error:
        raise click.UsageError(str(error)) from error


def _blame_setting(
    loaded: LoadedSettings | None,
    merged: dict[str, Any],
    error: ValueError,
    settings: Sequence[Setting],
    make_config: MakeConfig,
) -> str:
    """Say which key of the settings file makes the configuration invalid, if one does."""
    if loaded is None:
        return str(error)
    defaults = {setting.name: setting.default for setting in settings}
    keys = {setting.name: setting.key for setting in settings}
    for name, value in loaded.values.items():
        if merged[name] != value:
            continue  # a flag replaced it: not the file's fault
        try:
            make_config({**defaults, name: value})
        except ValueError as own_error:
            return f"{loaded.source}: {keys[name]} = {render_value(value)}: {own_error}"
    return f"{error} (with the settings of {loaded.source})"
