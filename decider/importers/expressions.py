"""A small, safe evaluator for GitHub Actions `${{ }}` expressions.

Only what can be known from the workflow files themselves is evaluated: literals, `matrix.*`,
`inputs.*`, the operators and a few pure functions. Everything else (`github.*`, `needs.*`,
`vars.*`, `always()` ...) is *unresolved*: the caller keeps the text verbatim and flags it.
Semantics follow GitHub's documentation: loose `==` that coerces to numbers, case-insensitive
string comparison, `&&`/`||` returning one of their operands. Nothing is ever handed to `eval`.
"""

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Unresolved(Exception):
    """The expression depends on something only known when the workflow runs.

    `verbatim` is the text to show in its place when the expression was a bare reference to a
    `RunTimeValue` (e.g. `${{ matrix.go }}` where `go: ["${{ needs.meta.outputs.go }}"]`).
    """

    def __init__(self, reason: str, verbatim: str | None = None) -> None:
        super().__init__(reason)
        self.verbatim = verbatim


class _UnknownValue:
    """A value that exists at run time but is not known statically (e.g. an input set from
    `github.*`). Any expression that touches it is unresolved."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _UnknownValue()


@dataclass(frozen=True)
class RunTimeValue:
    """A value written as an expression that only the run can evaluate, such as a matrix
    value `${{ needs.meta.outputs.go-version }}`. Any operation on it is unresolved, but a bare
    reference to it is shown as its text, since that is the best name we can give it."""

    text: str


@dataclass(frozen=True)
class ContextObject:
    """A context such as `matrix` or `inputs`: property names are case-insensitive on GitHub."""

    values: Mapping[str, Any]
    # What a property not in `values` evaluates to: null when the object is fully known,
    # UNKNOWN when other properties might exist at run time.
    missing: Any = None

    def get(self, name: str) -> Any:
        for key, value in self.values.items():
            if str(key).lower() == name.lower():
                return value
        return self.missing


@dataclass(frozen=True)
class Contexts:
    known: dict[str, ContextObject | _UnknownValue] = field(default_factory=dict)

    def lookup(self, name: str) -> Any:
        value = self.known.get(name.lower(), UNKNOWN)
        if value is UNKNOWN:
            raise Unresolved(name)
        return value


@dataclass(frozen=True)
class Rendered:
    value: Any  # typed when the whole string was one expression, otherwise a string
    resolved: bool


# An expression longer or deeper than this is not something a workflow needs; treat it as
# unresolved rather than spend time or stack on it.
MAX_EXPRESSION_CHARS = 4000
MAX_EXPRESSION_DEPTH = 40
_OPEN = "${{"


def contains_expression(text: Any) -> bool:
    return isinstance(text, str) and _OPEN in text


@dataclass(frozen=True)
class WildcardPattern:
    """Text with a hole wherever an expression was: the literal parts, in order."""

    parts: tuple[str, ...]  # literal texts; an expression stood between each two

    def matches(self, text: str) -> bool:
        # A glob with only `*` wildcards matches by leftmost search: linear, no backtracking,
        # whatever a run's name holds.
        first, *middle, last = self.parts
        if not text.startswith(first) or len(text) < len(first) + len(last):
            return False
        position = len(first)
        end = len(text) - len(last)
        for part in middle:
            found = text.find(part, position, end)
            if found < 0:
                return False
            position = found + len(part)
        return text.endswith(last)


def wildcard_pattern(text: str) -> WildcardPattern | None:
    """`text` with each `${{ }}` standing for any value, as GitHub's evaluated names read;
    None when `text` has no expression, or nothing but expressions and punctuation (such a
    pattern would match any name)."""
    parts: list[str] = [""]
    for piece in _split_template(text):
        if isinstance(piece, str):
            parts[-1] += piece
        elif parts[-1] or len(parts) == 1:
            parts.append("")
    if len(parts) == 1 or not any(char.isalnum() for char in "".join(parts)):
        return None
    return WildcardPattern(tuple(parts))


def render(value: Any, contexts: Contexts) -> Rendered:
    """Evaluate the expressions in one string; unresolved ones are kept verbatim."""
    if not contains_expression(value):
        return Rendered(value, True)
    pieces = list(_split_template(value))
    expressions = [piece for piece in pieces if isinstance(piece, _Expression)]
    if len(pieces) == 1 and len(expressions) == 1:
        try:
            return Rendered(evaluate(expressions[0].body, contexts), True)
        except Unresolved as unresolved:
            return Rendered(unresolved.verbatim or value, False)
    resolved = True
    parts: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(piece)
            continue
        try:
            parts.append(to_string(evaluate(piece.body, contexts)))
        except Unresolved as unresolved:
            resolved = False
            parts.append(unresolved.verbatim or piece.text)
    return Rendered("".join(parts), resolved)


def render_deep(value: Any, contexts: Contexts) -> Rendered:
    """Evaluate every string inside lists and mappings (keys included, as GitHub does)."""
    if isinstance(value, str):
        return render(value, contexts)
    if isinstance(value, list):
        items = [render_deep(item, contexts) for item in value]
        return Rendered([item.value for item in items], all(item.resolved for item in items))
    if isinstance(value, dict):
        result: dict[Any, Any] = {}
        resolved = True
        for key, item in value.items():
            rendered_key = render(key, contexts) if isinstance(key, str) else Rendered(key, True)
            rendered_item = render_deep(item, contexts)
            resolved = resolved and rendered_key.resolved and rendered_item.resolved
            try:
                result[rendered_key.value] = rendered_item.value
            except TypeError:  # an expression turned a key into a list or an object
                return Rendered(value, False)
        return Rendered(result, resolved)
    return Rendered(value, True)


Tree = tuple[Any, ...]


def parse(text: str) -> Tree:
    """The syntax tree of one expression; ValueError when it is not one, or is too long or
    too deeply nested to be worth reading."""
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ValueError("expression too long")
    return _Parser(_tokenize(text)).parse()


def evaluate(text: str, contexts: Contexts) -> Any:
    """The value of one expression (the text between `${{` and `}}`), or `Unresolved`."""
    if len(text) > MAX_EXPRESSION_CHARS:
        raise Unresolved("expression too long")
    try:
        tree = _Parser(_tokenize(text)).parse()
        value = _evaluate(tree, contexts)
        if isinstance(value, RunTimeValue):
            raise Unresolved("known only at run time", verbatim=value.text)
        return _known(value)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError) as error:
        raise Unresolved(str(error)) from None


# --- GitHub's conversions -------------------------------------------------------------------


def to_string(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "Array"
    return "Object"


def format_number(number: float) -> str:
    if isinstance(number, float):
        if math.isnan(number):
            return "NaN"
        if math.isinf(number):
            return "Infinity" if number > 0 else "-Infinity"
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return repr(number)
    return str(number)


def to_number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0.0
        try:
            if re.fullmatch(r"[-+]?0x[0-9a-fA-F]+", text):
                return float(int(text, 16))
            if re.fullmatch(r"[-+]?0o[0-7]+", text):
                return float(int(text, 8))
            if re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", text):
                return float(text)
        except (ValueError, OverflowError):
            return math.nan
        if text in ("Infinity", "+Infinity"):
            return math.inf
        if text == "-Infinity":
            return -math.inf
    return math.nan


def is_truthy(value: Any) -> bool:
    if value is None or value is False or value == "":
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return not (value == 0 or math.isnan(value))
    return True


def loose_equal(left: Any, right: Any) -> bool:
    """GitHub's `==`: strings ignore case; differing types are compared as numbers."""
    if isinstance(left, list | dict) or isinstance(right, list | dict):
        return left is right
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if _kind(left) == _kind(right) and not isinstance(left, int | float):
        return bool(left == right)
    return bool(to_number(left) == to_number(right))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def _holds_unknown(value: Any, depth: int = 0) -> bool:
    if isinstance(value, RunTimeValue):
        return True
    if value is UNKNOWN or isinstance(value, ContextObject):
        return value is UNKNOWN or value.missing is UNKNOWN or _holds_unknown(dict(value.values))
    if depth > MAX_EXPRESSION_DEPTH:
        return False
    if isinstance(value, list):
        return any(_holds_unknown(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return any(_holds_unknown(item, depth + 1) for item in value.values())
    return False


# --- templates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Expression:
    body: str
    text: str  # with its `${{ }}`, to keep verbatim when unresolved


def _split_template(text: str) -> list[str | _Expression]:
    pieces: list[str | _Expression] = []
    position = 0
    while True:
        start = text.find(_OPEN, position)
        if start < 0:
            break
        end = _expression_end(text, start + len(_OPEN))
        if end < 0:
            break
        if start > position:
            pieces.append(text[position:start])
        pieces.append(_Expression(text[start + len(_OPEN) : end], text[start : end + 2]))
        position = end + 2
    if position < len(text):
        pieces.append(text[position:])
    return pieces


def _expression_end(text: str, position: int) -> int:
    """Index of the `}}` closing an expression, skipping `}}` inside quoted strings."""
    in_string = False
    while position < len(text):
        char = text[position]
        if char == "'":
            in_string = not in_string  # a doubled '' toggles twice, which is what we want
        elif not in_string and text.startswith("}}", position):
            return position
        position += 1
    return -1


# --- tokens and parsing ---------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?(?:0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))
      | (?P<string>'(?:[^']|'')*')
      | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
      | (?P<operator>&&|\|\||==|!=|<=|>=|[<>!()\[\],.*])
    )""",
    re.VERBOSE,
)


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ValueError(f"unexpected character at {position}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent over GitHub's precedence: || < && < == != < comparisons < ! < access."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0
        self.depth = 0

    def parse(self) -> tuple[Any, ...]:
        tree = self._or()
        if self.position != len(self.tokens):
            raise ValueError("trailing tokens")
        return tree

    def _peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        if self.position >= len(self.tokens):
            raise ValueError("unexpected end")
        token = self.tokens[self.position]
        self.position += 1
        return token

    def _expect(self, text: str) -> None:
        if self._take()[1] != text:
            raise ValueError(f"expected {text}")

    def _binary(self, operators: tuple[str, ...], operand: Any) -> tuple[Any, ...]:
        tree = operand()
        while self._peek() in operators:
            operator = self._take()[1]
            tree = ("binary", operator, tree, operand())
        result: tuple[Any, ...] = tree
        return result

    def _or(self) -> tuple[Any, ...]:
        self.depth += 1
        if self.depth > MAX_EXPRESSION_DEPTH:
            raise ValueError("expression nested too deeply")
        try:
            return self._binary(("||",), self._and)
        finally:
            self.depth -= 1

    def _and(self) -> tuple[Any, ...]:
        return self._binary(("&&",), self._equality)

    def _equality(self) -> tuple[Any, ...]:
        return self._binary(("==", "!="), self._comparison)

    def _comparison(self) -> tuple[Any, ...]:
        return self._binary(("<", "<=", ">", ">="), self._unary)

    def _unary(self) -> tuple[Any, ...]:
        if self._peek() == "!":
            self._take()
            self.depth += 1
            if self.depth > MAX_EXPRESSION_DEPTH:
                raise ValueError("expression nested too deeply")
            try:
                return ("not", self._unary())
            finally:
                self.depth -= 1
        return self._access()

    def _access(self) -> tuple[Any, ...]:
        tree = self._primary()
        while self._peek() in (".", "["):
            if self._take()[1] == ".":
                kind, name = self._take()
                if name == "*":
                    tree = ("wildcard", tree)
                elif kind == "name":
                    tree = ("index", tree, ("literal", name))
                else:
                    raise ValueError("expected a property name")
            else:
                index = self._or()
                self._expect("]")
                tree = ("index", tree, index)
        return tree

    def _primary(self) -> tuple[Any, ...]:
        kind, text = self._take()
        if kind == "number":
            return ("literal", _number_literal(text))
        if kind == "string":
            return ("literal", text[1:-1].replace("''", "'"))
        if kind == "name":
            if text in ("true", "false"):
                return ("literal", text == "true")
            if text == "null":
                return ("literal", None)
            if self._peek() == "(":
                return ("call", text.lower(), self._arguments())
            return ("context", text)
        if text == "(":
            tree = self._or()
            self._expect(")")
            return tree
        raise ValueError(f"unexpected {text}")

    def _arguments(self) -> list[tuple[Any, ...]]:
        self._expect("(")
        arguments: list[tuple[Any, ...]] = []
        if self._peek() == ")":
            self._take()
            return arguments
        while True:
            arguments.append(self._or())
            if self._take()[1] == ")":
                return arguments


def _number_literal(text: str) -> int | float:
    if "0x" in text:
        return int(text, 16)
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return float(text)


# --- evaluation -----------------------------------------------------------------------------


def _evaluate(tree: tuple[Any, ...], contexts: Contexts) -> Any:
    kind = tree[0]
    if kind == "literal":
        return tree[1]
    if kind == "context":
        return contexts.lookup(tree[1])
    if kind == "not":
        return not is_truthy(_known(_evaluate(tree[1], contexts)))
    if kind == "index":
        return index(_evaluate(tree[1], contexts), _evaluate(tree[2], contexts))
    if kind == "wildcard":
        raise Unresolved("object filters are not evaluated")
    if kind == "call":
        return call_function(tree[1], [_evaluate(argument, contexts) for argument in tree[2]])
    operator, left_tree, right_tree = tree[1], tree[2], tree[3]
    left = _known(_evaluate(left_tree, contexts))
    if operator == "&&":
        return _known(_evaluate(right_tree, contexts)) if is_truthy(left) else left
    if operator == "||":
        return left if is_truthy(left) else _known(_evaluate(right_tree, contexts))
    right = _known(_evaluate(right_tree, contexts))
    if operator == "==":
        return loose_equal(left, right)
    if operator == "!=":
        return not loose_equal(left, right)
    return compare(operator, left, right)


def _known(value: Any) -> Any:
    if _holds_unknown(value):
        raise Unresolved("depends on an unknown value")
    if isinstance(value, ContextObject):
        return dict(value.values)
    return value


def index(container: Any, key: Any) -> Any:
    if container is UNKNOWN or isinstance(container, RunTimeValue):
        raise Unresolved("unknown object")
    if isinstance(container, ContextObject):
        value = container.get(to_string(key))
    elif isinstance(container, dict):
        value = ContextObject(container).get(to_string(key))
    elif isinstance(container, list) and isinstance(key, int | float) and not isinstance(key, bool):
        position = int(key)
        value = container[position] if 0 <= position < len(container) else None
    else:
        value = None
    if value is UNKNOWN:
        raise Unresolved("unknown property")
    return value


def compare(operator: str, left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        left_key, right_key = left.casefold(), right.casefold()
        return {
            "<": left_key < right_key,
            "<=": left_key <= right_key,
            ">": left_key > right_key,
            ">=": left_key >= right_key,
        }[operator]
    left_number, right_number = to_number(left), to_number(right)
    return {
        "<": left_number < right_number,
        "<=": left_number <= right_number,
        ">": left_number > right_number,
        ">=": left_number >= right_number,
    }[operator]


def call_function(name: str, arguments: list[Any]) -> Any:
    arguments = [_known(argument) for argument in arguments]
    if name == "contains" and len(arguments) == 2:
        haystack, needle = arguments
        if isinstance(haystack, list):
            return any(loose_equal(item, needle) for item in haystack)
        return to_string(needle).casefold() in to_string(haystack).casefold()
    if name == "startswith" and len(arguments) == 2:
        return to_string(arguments[0]).casefold().startswith(to_string(arguments[1]).casefold())
    if name == "endswith" and len(arguments) == 2:
        return to_string(arguments[0]).casefold().endswith(to_string(arguments[1]).casefold())
    if name == "format" and arguments:
        return _format(to_string(arguments[0]), [to_string(item) for item in arguments[1:]])
    if name == "join" and 1 <= len(arguments) <= 2:
        separator = to_string(arguments[1]) if len(arguments) == 2 else ","
        items = arguments[0] if isinstance(arguments[0], list) else [arguments[0]]
        return separator.join(to_string(item) for item in items)
    if name == "tojson" and len(arguments) == 1:
        return json.dumps(arguments[0], indent=2)
    if name == "fromjson" and len(arguments) == 1:
        return json.loads(to_string(arguments[0]))
    # always(), success(), hashFiles() ... depend on the run.
    raise Unresolved(f"{name}() is not evaluated statically")


def _format(template: str, values: list[str]) -> str:
    result: list[str] = []
    position = 0
    while position < len(template):
        char = template[position]
        if template.startswith("{{", position) or template.startswith("}}", position):
            result.append(char)
            position += 2
        elif char == "{":
            end = template.index("}", position)
            result.append(values[int(template[position + 1 : end])])
            position = end + 1
        elif char == "}":
            raise ValueError("unbalanced } in format()")
        else:
            result.append(char)
            position += 1
    return "".join(result)
