"""Reading YAML safely, remembering where every value came from.

Only plain YAML data is accepted: mappings, sequences and scalars with the standard tags. Object tags
(`!!python/...`), duplicate keys, merge keys and alias expansion bombs are refused with a located problem.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Location, Problem, ScenarioError

__all__ = ["SourceMap", "read_yaml_file", "parse_yaml_text", "MAX_FILE_BYTES", "MAX_NODES", "MAX_DEPTH"]

MAX_FILE_BYTES = 1_048_576
MAX_NODES = 200_000
MAX_DEPTH = 50  # nesting of mappings and lists; scenarios need fewer than ten

SourceMap = dict[tuple[Any, ...], Location]

_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_SCALAR_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp")
}


def _location(file: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(file, 1, 1)
    return Location(file, mark.line + 1, mark.column + 1)


class _Converter:
    """Turns a composed node tree into plain data and a map from value paths to locations."""

    def __init__(self, file: str):
        self.file = file
        self.source: SourceMap = {}
        self.nodes_seen = 0
        self.constructor = SafeConstructor()

    def convert(self, node: Node, path: tuple[Any, ...]) -> Any:
        if len(path) > MAX_DEPTH:
            raise ScenarioError([Problem(_location(self.file, node.start_mark), path[:3],
                                         f"values are nested more than {MAX_DEPTH} levels deep; "
                                         "scenario files are not that deep")])
        self.nodes_seen += 1
        if self.nodes_seen > MAX_NODES:
            raise ScenarioError([Problem(
                _location(self.file, node.start_mark), path,
                f"the document expands to more than {MAX_NODES} values (an alias bomb?); "
                "write the data out plainly")])
        self.source.setdefault(path, _location(self.file, node.start_mark))
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                raise self._tag_problem(node, path)
            return [self.convert(child, path + (i,)) for i, child in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        if node.tag not in _SCALAR_TAGS:
            raise self._tag_problem(node, path)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ConstructorError, ValueError) as exc:
            raise ScenarioError([Problem(_location(self.file, node.start_mark), path,
                                         f"cannot read this value: {exc}", node.value)]) from None

    def _mapping(self, node: MappingNode, path: tuple[Any, ...]) -> dict[Any, Any]:
        if node.tag != _MAP:
            raise self._tag_problem(node, path)
        result: dict[Any, Any] = {}
        first_seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            here = _location(self.file, key_node.start_mark)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ScenarioError([Problem(here, path, "merge keys (<<) are not supported; "
                                             "use `extends:` or `arms:` to reuse settings")])
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                raise ScenarioError([Problem(here, path, "mapping keys must be plain names")])
            key = self.constructor.construct_object(key_node, deep=True)
            if isinstance(key, bool) or key is None:
                key = key_node.value  # `yes:`/`null:` as a name is meant literally
            if key in first_seen:
                raise ScenarioError([Problem(here, path + (key,),
                                             f"duplicate key (first given on line {first_seen[key]}); "
                                             "keep only one")])
            first_seen[key] = here.line
            self.source[path + (key,)] = here
            result[key] = self.convert(value_node, path + (key,))
            self.source[path + (key,)] = here
        return result

    def _tag_problem(self, node: Node, path: tuple[Any, ...]) -> ScenarioError:
        return ScenarioError([Problem(_location(self.file, node.start_mark), path,
                                      f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed; "
                                      "scenario files hold plain data only")])


def parse_yaml_text(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse YAML text into plain data and a source map; raise ScenarioError with a location on failure."""
    if "\x00" in text:
        raise ScenarioError([Problem(Location(file, 1, 1), (), "this is not a text file (it holds NUL bytes)")])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise ScenarioError([Problem(Location(file, 1, 1), (), f"not valid YAML: nested too deeply (scenario "
                                     f"files need fewer than {MAX_DEPTH} levels)")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "not valid YAML"
        if "\t" in reason or "'\\t'" in reason:
            reason = "a tab character; YAML indents with spaces only"
        raise ScenarioError([Problem(_location(file, mark), (), f"not valid YAML: {reason}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(Location(file, 1, 1), (), f"not valid YAML: {exc}")]) from None
    if node is None:
        raise ScenarioError([Problem(Location(file, 1, 1), (), "the file is empty; start from "
                                     "scenarios/senkaku_baseline.yaml or `hotline schema`")])
    converter = _Converter(file)
    return converter.convert(node, ()), converter.source


def _read_regular_file(path: Path, here: Location) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES. Devices, FIFOs and sockets are refused before
    a byte is read (opened without blocking, so a FIFO with no writer cannot hang the command)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise ScenarioError([Problem(here, (), "no such file; check the path")]) from None
    except PermissionError:
        raise ScenarioError([Problem(here, (), "the file cannot be read (permission denied)")]) from None
    except OSError as exc:
        raise ScenarioError([Problem(here, (), f"the file cannot be read: {exc.strerror}")]) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ScenarioError([Problem(here, (), "this is a directory; give a scenario file (.yaml)")])
        if not stat.S_ISREG(info.st_mode):
            raise ScenarioError([Problem(here, (), "this is not a regular file (a device, FIFO or socket); "
                                         "give a scenario file (.yaml)")])
        if info.st_size > MAX_FILE_BYTES:
            raise ScenarioError([Problem(here, (), f"the file is {info.st_size} bytes; scenario files are "
                                         f"limited to {MAX_FILE_BYTES} bytes")])
        with os.fdopen(os.dup(fd), "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError([Problem(here, (), f"the file cannot be read: {exc.strerror or exc}")]) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:  # it grew while we read it
        raise ScenarioError([Problem(here, (), f"scenario files are limited to {MAX_FILE_BYTES} bytes")])
    return raw


def read_yaml_file(path: Path) -> tuple[Any, SourceMap]:
    """Read a scenario file with size, encoding and type checks; every failure is a located ScenarioError."""
    name = str(path)
    raw = _read_regular_file(path, Location(name, 1, 1))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError([Problem(Location(name, line, column), (),
                                     "the file is not UTF-8 text; save it as UTF-8")]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return parse_yaml_text(text, name)
