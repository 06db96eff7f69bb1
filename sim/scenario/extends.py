"""`extends:`: a scenario built on another scenario file, which must lie inside an allowed root folder.

Only relative paths to `.yaml`/`.yml` files inside the root (the top scenario's folder tree, or the
folder given with `--allow-extends`) are followed, so a scenario cannot make the tool read, and echo in
its error messages, a file that is not a scenario.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .problems import Location, Problem, ScenarioError
from .yaml_source import SourceMap, read_yaml_file

__all__ = ["read_tree", "MAX_EXTENDS_DEPTH"]

MAX_EXTENDS_DEPTH = 10


def _merge(parent: dict[str, Any], child: dict[str, Any], top: bool = True) -> dict[str, Any]:
    out = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and not (top and key == "arms"):
            out[key] = _merge(out[key], value, top=False)
        else:
            out[key] = value
    return out


def read_tree(path: Path, chain: tuple[Path, ...], root: Path) -> tuple[dict[str, Any], SourceMap]:
    """Read a scenario file and the files it extends (inside `root`), merged, with their source maps."""
    raw, source = read_yaml_file(path)
    if not isinstance(raw, dict):
        raise ScenarioError([Problem(Location(str(path), 1, 1), (), "the top level must be a mapping of keys "
                                     "to values (name: ..., parties: ...)", type(raw).__name__)])
    return _follow_extends(raw, source, path, chain, root)


def _parent_path(target: Any, path: Path, here: Location, root: Path) -> Path:
    """The file `extends:` names: a relative path to a .yaml file inside the allowed root."""
    if not isinstance(target, str) or not target.strip() or "\x00" in target:
        raise ScenarioError([Problem(here, ("extends",), "must be a relative path to another scenario file",
                                     target)])
    if Path(target).is_absolute() or target.startswith("~"):
        raise ScenarioError([Problem(here, ("extends",), "must be a relative path to another scenario file "
                                     "(absolute paths are not followed)", target)])
    if Path(target).suffix.lower() not in (".yaml", ".yml"):
        raise ScenarioError([Problem(here, ("extends",), "must name a scenario file ending in .yaml or .yml",
                                     target)])
    try:
        parent_path = (path.parent / target).resolve()
    except (OSError, RuntimeError):
        raise ScenarioError([Problem(here, ("extends",), "cannot follow this path (a symbolic link loop?)",
                                     target)]) from None
    if not parent_path.is_relative_to(root):
        raise ScenarioError([Problem(here, ("extends",), f"may only name scenario files inside {root} (the "
                                     "scenario's folder); pass --allow-extends DIR to allow another folder",
                                     target)])
    return parent_path


def _follow_extends(raw: dict[str, Any], source: SourceMap, path: Path,
                    chain: tuple[Path, ...], root: Path) -> tuple[dict[str, Any], SourceMap]:
    if "extends" not in raw:
        return raw, source
    target = raw.pop("extends")
    here = source.get(("extends",), Location(str(path), 1, 1))
    parent_path = _parent_path(target, path, here, root)
    if parent_path in chain or parent_path == path.resolve():
        raise ScenarioError([Problem(here, ("extends",), "extends forms a cycle: " + " -> ".join(
            p.name for p in (*chain, path.resolve(), parent_path)), target)])
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError([Problem(here, ("extends",), f"more than {MAX_EXTENDS_DEPTH} levels of extends")])
    if not parent_path.is_file():
        raise ScenarioError([Problem(here, ("extends",), f"no such file: {parent_path}", target)])
    parent, parent_source = read_tree(parent_path, (*chain, path.resolve()), root)
    return _merge(parent, raw), {**parent_source, **source}
