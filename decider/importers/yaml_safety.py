"""Load untrusted workflow YAML into plain Python values, or refuse it with a located problem.

PyYAML alone is not safe enough for uploads: a "billion laughs" file expands aliases into an
exponential tree, deep nesting exhausts the stack, and duplicate mapping keys are silently
resolved to the last one. So the composer here counts every node it produces, counting an alias
as the whole subtree it stands for, and refuses before anything is constructed. Scalars follow
YAML 1.2 (what GitHub reads): `on`, `yes` and `no` stay strings, dates stay strings.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.error import Mark, MarkedYAMLError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError
from yaml.resolver import BaseResolver

from decider.importers.problems import ImportRefused, Problem

try:  # the C parser is much faster; the pure-Python one gives the same events and marks
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


# GitHub refuses workflow files over 512 KiB; we stop a little earlier, at a round figure.
MAX_FILE_BYTES = 500 * 1024
# Real workflows have a few thousand nodes; the budget leaves room for big matrices and
# anchors while keeping an alias bomb's expansion small and quick to refuse.
MAX_NODES = 200_000
# Real workflows nest about 8 deep; 64 is generous and keeps recursion far from Python's limit.
MAX_DEPTH = 64

_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class LoadedYaml:
    text: str
    data: Any
    # Where each mapping key and each value sits, by path (keys and list indexes from the root).
    key_marks: dict[tuple[Any, ...], Mark]
    value_marks: dict[tuple[Any, ...], Mark]

    def line_of(self, path: tuple[Any, ...]) -> int | None:
        mark = self.key_marks.get(path) or self.value_marks.get(path)
        return mark.line + 1 if mark else None

    def column_of(self, path: tuple[Any, ...]) -> int | None:
        mark = self.key_marks.get(path) or self.value_marks.get(path)
        return mark.column + 1 if mark else None

    def value_line(self, path: tuple[Any, ...]) -> int | None:
        mark = self.value_marks.get(path) or self.key_marks.get(path)
        return mark.line + 1 if mark else None

    def value_column(self, path: tuple[Any, ...]) -> int | None:
        mark = self.value_marks.get(path) or self.key_marks.get(path)
        return mark.column + 1 if mark else None


class _Refusal(MarkedYAMLError):
    """Raised from inside the composer to stop at the first budget breach."""


class _CoreResolver(BaseResolver):
    """YAML 1.2 core schema, as GitHub reads workflow files."""

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)
_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_CoreResolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"])


class _PlainConstructor(SafeConstructor):
    """Only JSON-like values: timestamps, binary, sets and Python tags are refused."""

    yaml_constructors: ClassVar[dict[str | None, Any]] = {}

    def construct_core_int(self, node: ScalarNode) -> int:
        text = str(self.construct_scalar(node))
        if text.startswith(("0o", "0x")):
            return int(text, 0)
        return int(text, 10)

    def construct_core_float(self, node: ScalarNode) -> float:
        text = str(self.construct_scalar(node)).lower()
        if text.endswith(".inf"):
            return float("-inf") if text.startswith("-") else float("inf")
        if text.endswith(".nan"):
            return float("nan")
        return float(text)


for _tag, _method in [
    ("tag:yaml.org,2002:null", SafeConstructor.construct_yaml_null),
    ("tag:yaml.org,2002:bool", SafeConstructor.construct_yaml_bool),
    ("tag:yaml.org,2002:int", _PlainConstructor.construct_core_int),
    ("tag:yaml.org,2002:float", _PlainConstructor.construct_core_float),
    ("tag:yaml.org,2002:str", SafeConstructor.construct_yaml_str),
    ("tag:yaml.org,2002:seq", SafeConstructor.construct_yaml_seq),
    ("tag:yaml.org,2002:map", SafeConstructor.construct_yaml_map),
    (None, SafeConstructor.construct_undefined),
]:
    # The stubs tie a constructor's type to its class; SafeConstructor's methods serve ours.
    _PlainConstructor.add_constructor(_tag, _method)  # type: ignore[type-var]


class _BudgetComposer(Composer):
    """Composes nodes while counting them (aliases by the size they expand to) and their depth."""

    # Given by the parser this composer is mixed with (see the loader below). Its events'
    # marks are C or Python marks depending on how PyYAML was built; both have line and column.
    check_event: Callable[..., bool]
    peek_event: Callable[[], Any]

    def __init__(self) -> None:
        super().__init__()
        self.node_count = 0
        self.depth = 0
        self.deepest = 0
        self.expanded_size: dict[int, int] = {}
        self.height: dict[int, int] = {}

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        self.depth += 1
        try:
            if self.check_event(AliasEvent):
                return self._compose_alias(parent, index)
            return self._compose_new_node(parent, index)
        finally:
            self.depth -= 1

    def _compose_alias(self, parent: Node | None, index: Any) -> Node:
        mark = self.peek_event().start_mark
        node = self._composed(parent, index)
        if id(node) not in self.expanded_size:
            raise _Refusal(
                problem="an alias refers to the node that contains it", problem_mark=mark
            )
        self._count(self.expanded_size[id(node)], mark)
        reach = self.depth - 1 + self.height[id(node)]
        self._check_depth(reach, mark)
        self.deepest = max(self.deepest, reach)
        return node

    def _compose_new_node(self, parent: Node | None, index: Any) -> Node:
        mark = self.peek_event().start_mark
        self._check_depth(self.depth, mark)
        self._count(1, mark)
        count_before, deepest_before = self.node_count, self.deepest
        self.deepest = self.depth
        node = self._composed(parent, index)
        self.expanded_size[id(node)] = self.node_count - count_before + 1
        self.height[id(node)] = self.deepest - self.depth + 1
        self.deepest = max(self.deepest, deepest_before)
        return node

    def _composed(self, parent: Node | None, index: Any) -> Node:
        node = super().compose_node(parent, index)
        assert node is not None  # PyYAML returns None only past the end of a document
        return node

    def _count(self, nodes: int, mark: Mark) -> None:
        self.node_count += nodes
        if self.node_count > MAX_NODES:
            raise _Refusal(
                problem=f"the document expands to more than {MAX_NODES:,} nodes (aliases counted "
                "as what they repeat)",
                problem_mark=mark,
            )

    def _check_depth(self, depth: int, mark: Mark) -> None:
        if depth > MAX_DEPTH:
            raise _Refusal(problem=f"nesting is deeper than {MAX_DEPTH} levels", problem_mark=mark)


class _WorkflowLoader(_BudgetComposer, _Parser, _PlainConstructor, _CoreResolver):
    def __init__(self, text: str) -> None:
        _Parser.__init__(self, text)
        _BudgetComposer.__init__(self)
        _PlainConstructor.__init__(self)
        _CoreResolver.__init__(self)


def load_workflow_yaml(source: str, content: str | bytes) -> LoadedYaml:
    """Parse one workflow file; `ImportRefused` for anything unsafe, malformed or not a mapping."""
    text = decode_workflow_text(source, content)
    loader = _WorkflowLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise _refuse(source, "The file is empty.", "Upload a workflow file with `jobs:`.")
        key_marks: dict[tuple[Any, ...], Mark] = {}
        value_marks: dict[tuple[Any, ...], Mark] = {}
        problems: list[Problem] = []
        _walk(source, root, (), key_marks, value_marks, problems, set())
        if problems:
            raise ImportRefused(problems)
        data = loader.construct_document(root)
    except MarkedYAMLError as error:
        raise ImportRefused([_problem_from_yaml_error(source, error)]) from None
    except ReaderError as error:
        raise _refuse(
            source,
            f"The file contains a character YAML does not allow (#x{error.character:04x}).",
            "Remove control characters from the file.",
            line=text[: error.position].count("\n") + 1,
        ) from None
    except yaml.YAMLError as error:
        raise _refuse(source, f"The file is not valid YAML: {error}.", _YAML_HINT) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        raise _refuse(source, f"A value could not be read: {error}.", _YAML_HINT) from None
    finally:
        loader.dispose()
    return LoadedYaml(text=text, data=data, key_marks=key_marks, value_marks=value_marks)


def decode_workflow_text(source: str, content: str | bytes) -> str:
    size = len(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    if size > MAX_FILE_BYTES:
        raise _refuse(
            source,
            f"The file is {size / 1024:.0f} KB; the limit is {MAX_FILE_BYTES // 1024} KB.",
            "A workflow this large is not a hand-written workflow; check the file you chose.",
        )
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise _refuse(
            source,
            "The file is not UTF-8 text.",
            "Save the workflow as UTF-8, as GitHub expects.",
            line=line,
        ) from None


_YAML_HINT = "Fix the YAML (GitHub would refuse this file too), then import it again."
_MAX_WALK_PATH = 6


def _walk(
    source: str,
    node: Node,
    path: tuple[Any, ...],
    key_marks: dict[tuple[Any, ...], Mark],
    value_marks: dict[tuple[Any, ...], Mark],
    problems: list[Problem],
    checked: set[int],
) -> None:
    """Record where things are and refuse duplicate keys, which the loader would silently drop."""
    if len(path) <= _MAX_WALK_PATH:
        value_marks.setdefault(path, node.start_mark)
    if isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _walk(source, item, (*path, index), key_marks, value_marks, problems, checked)
    elif isinstance(node, MappingNode):
        first_seen: dict[tuple[str, str], Mark] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                _walk(source, value_node, (*path, "<<"), key_marks, value_marks, problems, checked)
                continue
            identity = (key_node.tag, key_node.value)
            if identity in first_seen and id(key_node) not in checked:
                checked.add(id(key_node))
                problems.append(
                    _duplicate_key_problem(source, path, key_node, first_seen[identity])
                )
            first_seen.setdefault(identity, key_node.start_mark)
            child_path = (*path, key_node.value)
            if len(child_path) <= _MAX_WALK_PATH:
                key_marks.setdefault(child_path, key_node.start_mark)
            _walk(source, value_node, child_path, key_marks, value_marks, problems, checked)


def _duplicate_key_problem(
    source: str, path: tuple[Any, ...], key_node: ScalarNode, first: Mark
) -> Problem:
    where = ".".join(str(part) for part in path)
    if path == ("jobs",):
        message = (
            f"Job id '{key_node.value}' is declared twice (first on line {first.line + 1}); "
            "a YAML loader silently keeps only the last one."
        )
        hint = "Rename or remove one of the two jobs."
    else:
        inside = f" in '{where}'" if where else " at the top level"
        message = (
            f"Key '{key_node.value}' appears twice{inside} (first on line {first.line + 1}); "
            "a YAML loader silently keeps only the last one."
        )
        hint = "Remove or merge the duplicate key."
    return Problem(
        message=message,
        hint=hint,
        source=source,
        line=key_node.start_mark.line + 1,
        column=key_node.start_mark.column + 1,
        field=where or None,
    )


def _problem_from_yaml_error(source: str, error: MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    what = " ".join(part for part in [error.context, error.problem] if part) or "unreadable YAML"
    if isinstance(error, _Refusal):
        message = f"Refused: {what}."
        hint = "Workflows never need this; remove the aliases or nesting that cause it."
    elif isinstance(error, ConstructorError):
        message = f"The file uses YAML GitHub does not accept: {what}."
        hint = "Use plain strings, numbers, booleans, lists and mappings."
    else:
        message = f"The file is not valid YAML: {what}."
        hint = _YAML_HINT
    return Problem(
        message=message,
        hint=hint,
        source=source,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


def _refuse(source: str, message: str, hint: str, line: int | None = None) -> ImportRefused:
    return ImportRefused([Problem(message=message, hint=hint, source=source, line=line)])
