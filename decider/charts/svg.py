"""SVG building blocks: elements, escaping, numbers, text widths, the palette.

Charts are inline SVG in both the web page and the PDF, under a Content-Security-Policy without
unsafe-inline: presentation attributes only, never `style`.
"""

import math
import re
from functools import lru_cache
from html import escape

FONT = "DejaVu Sans"
PAD = 12.0
NAME_SIZE = 12.0
SMALL_SIZE = 11.0

# Okabe-Ito, safe for the common colour-vision deficiencies; the critical path also has an
# outline so that it survives greyscale printing.
INK = "#1d2330"
MUTED = "#667085"
GRID = "#e4e7ec"
BAND = "#f5f7fa"
JOB_FILL = "#56b4e9"
JOB_STROKE = "#0072b2"
CRITICAL_FILL = "#d55e00"
WAIT_STROKE = "#e69f00"
WAIT_FILL = "#fff3d6"
MILESTONE = "#009e73"
AREA_FILL = "#56b4e9"
AREA_LINE = "#0072b2"
OVER_STROKE = "#d55e00"
OVER_FILL = "#fbe3d4"
HALO = "#ffffff"

# DejaVu Sans advance widths of ASCII 32..126, in thousandths of an em (from the font's hmtx).
_WIDTHS = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698,
    770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732,
    684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635,
    634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592,
    525, 636, 337, 636, 838,
)  # fmt: skip
_OTHER_WIDTHS = {"…": 1000, "→": 838, "·": 318, "\u2013": 500, "\u2014": 1000}
_BOLD_FACTOR = 1.1
_ELLIPSIS = "…"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@lru_cache(maxsize=1024)
def clean(text: str) -> str:
    """Text as XML 1.0 allows it (no control characters), escaped for content and attributes."""
    return escape(_CONTROL.sub(" ", text), quote=True)


def num(value: float) -> str:
    """A coordinate: one decimal at most, never "-0", so output is byte-stable."""
    rounded = round(value, 1)
    if rounded == 0:
        return "0"
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.1f}"


def el(tag: str, attrs: dict[str, str | float | int], *children: str) -> str:
    """One element; floats become rounded coordinates, strings are escaped."""
    parts = [tag]
    for name, value in attrs.items():
        if isinstance(value, float):
            text = num(value)
        elif isinstance(value, int):
            text = str(value)
        else:
            text = clean(value)
        parts.append(f'{name}="{text}"')
    opening = " ".join(parts)
    if not children:
        return f"<{opening}/>"
    return f"<{opening}>{''.join(children)}</{tag}>"


def text(x: float, y: float, content: str, size: float = 12, **attrs: str | float | int) -> str:
    """A text element in the house font; `anchor` and other attributes pass through."""
    base: dict[str, str | float | int] = {
        "x": float(x),
        "y": float(y),
        "font-family": FONT,
        "font-size": size,
        "fill": INK,
    }
    base.update({name.replace("_", "-"): value for name, value in attrs.items()})
    return el("text", base, clean(content))


def title(content: str) -> str:
    return f"<title>{clean(content)}</title>"


def _char_width(char: str) -> int:
    code = ord(char)
    if 32 <= code < 127:
        return _WIDTHS[code - 32]
    return _OTHER_WIDTHS.get(char, 1000 if code >= 0x2E80 else 650)


def text_width(content: str, size: float, bold: bool = False) -> float:
    """The rendered width in DejaVu Sans, from its metrics (wide scripts count as 1 em)."""
    total = sum(_char_width(char) for char in content)
    return total / 1000 * size * (_BOLD_FACTOR if bold else 1)


def truncate(content: str, max_width: float, size: float, bold: bool = False) -> str:
    """Fit the width by cutting the middle at word ends ("Build and test com…42"): names of one
    workflow often share a prefix and differ at the end. A name ending in matrix values
    ("tests / unit (py3.12, debian, false)") differs from its siblings only there: it keeps
    a third of the room for its start and the rest for the values, from their start
    ("tests / u…(py3.12, deb…"). "" when nothing fits."""
    if text_width(content, size, bold) <= max_width:
        return content
    scale = size / 1000 * (_BOLD_FACTOR if bold else 1)
    room = max_width / scale - _char_width(_ELLIPSIS)
    if content.endswith(")") and content.rfind("(") > 0:
        return _truncate_matrix(content, room)
    tail = _fitting(content[::-1], room / 3)[::-1]
    if " " in tail and not content[: len(content) - len(tail)].endswith(" "):
        tail = tail[tail.index(" ") + 1 :]
    room -= sum(_char_width(char) for char in tail)
    head = _fitting(content, room).rstrip()
    return f"{head}{_ELLIPSIS}{tail.lstrip()}" if head else ""


def _truncate_matrix(content: str, room: float) -> str:
    values = content[content.rindex("(") :]
    values_width = sum(_char_width(char) for char in values)
    head = _fitting(content, max(room / 3, room - values_width)).rstrip()
    if not head:
        return ""
    left = room - sum(_char_width(char) for char in head)
    if values_width <= left:
        return f"{head}{_ELLIPSIS}{values}"
    shown = _fitting(values, left - _char_width(_ELLIPSIS)).rstrip()
    return f"{head}{_ELLIPSIS}{shown}{_ELLIPSIS}"


def _fitting(content: str, room: float) -> str:
    """The longest prefix no wider than room (in thousandths of an em)."""
    used = 0
    for index, char in enumerate(content):
        used += _char_width(char)
        if used > room:
            return content[:index]
    return content


def svg_root(width: int, height: float, label: str, classes: str, *body: str) -> str:
    """The outer element: scales to its container (width 100%) and keeps its aspect ratio."""
    height = math.ceil(height)
    attrs: dict[str, str | float | int] = {
        "xmlns": "http://www.w3.org/2000/svg",
        "class": classes,
        "role": "img",
        "aria-label": label,
        "viewBox": f"0 0 {width} {height}",
        "width": "100%",
        "preserveAspectRatio": "xMinYMin meet",
        "font-family": FONT,
    }
    return el("svg", attrs, title(label), *body)


def hatch(pattern_id: str, background: str, stripe: str) -> str:
    """Diagonal stripes: a fill that stays distinct in greyscale print."""
    return el(
        "pattern",
        {
            "id": pattern_id,
            "width": 6,
            "height": 6,
            "patternUnits": "userSpaceOnUse",
            "patternTransform": "rotate(45)",
        },
        el("rect", {"width": 6, "height": 6, "fill": background}),
        el("line", {"x1": 0, "y1": 0, "x2": 0, "y2": 6, "stroke": stripe, "stroke-width": 3}),
    )


def safe_id(prefix: str) -> str:
    """An XML id from any text."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", prefix)


def haloed_text(x: float, y: float, content: str, size: float, **attrs: str | float | int) -> str:
    """Text on a translucent white box, legible over gridlines and marker lines."""
    width = text_width(content, size, bold=attrs.get("font_weight") == "bold")
    anchor = attrs.get("text_anchor", "start")
    left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
    box = el(
        "rect",
        {
            "x": left - 2,
            "y": y - size * 0.85,
            "width": width + 4,
            "height": size * 1.15,
            "fill": HALO,
            "opacity": 0.85,
        },
    )
    return box + text(x, y, content, size, **attrs)
