"""Jobs started per hour of the week on one pool: 7 rows (Monday first) of 24 hours (UTC).

A cell's shade is its mean jobs per hour against the busiest cell, on one blue scale that stays
readable in greyscale; empty hours are left white, so "nothing ran" differs from "little ran".
Each cell's figure is in its tooltip, and the busiest cell's is printed in the legend.
"""

from decider.charts.svg import GRID, INK, MUTED, PAD, SMALL_SIZE, el, svg_root, text, title
from decider.engine.formatting import count
from decider.engine.measured_load import PoolLoad

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CELL_HEIGHT = 16.0
DAY_LABEL_WIDTH = 36.0
HOUR_LABEL_HEIGHT = 16.0
LEGEND_HEIGHT = 22.0
# Light to dark blue (Okabe-Ito's blues, blended with white).
_LIGHTEST = (225, 240, 250)
_DARKEST = (0, 114, 178)


def _shade(share: float) -> str:
    red, green, blue = (
        round(light + (dark - light) * share)
        for light, dark in zip(_LIGHTEST, _DARKEST, strict=True)
    )
    return f"#{red:02x}{green:02x}{blue:02x}"


def _rate(value: float) -> str:
    return count(round(value, 1), "job") + " an hour"


def heatmap_svg(load: PoolLoad, *, width: int = 560) -> str:
    busiest = max((cell for day in load.heatmap for cell in day), default=0.0)
    cell_width = (width - 2 * PAD - DAY_LABEL_WIDTH) / 24
    top = PAD + HOUR_LABEL_HEIGHT
    parts: list[str] = []
    for hour in range(0, 24, 3):
        x = PAD + DAY_LABEL_WIDTH + (hour + 0.5) * cell_width
        parts.append(text(x, PAD + 10, f"{hour:02d}", SMALL_SIZE, fill=MUTED, text_anchor="middle"))
    for day, name in enumerate(DAYS):
        y = top + day * CELL_HEIGHT
        parts.append(text(PAD, y + CELL_HEIGHT - 4, name, SMALL_SIZE, fill=INK))
        for hour, value in enumerate(load.heatmap[day]):
            fill = "#ffffff" if value == 0 else _shade(value / busiest)
            cell = el(
                "rect",
                {
                    "x": PAD + DAY_LABEL_WIDTH + hour * cell_width,
                    "y": y,
                    "width": cell_width,
                    "height": CELL_HEIGHT,
                    "fill": fill,
                    "stroke": GRID,
                    "stroke-width": 0.5,
                },
                title(f"{name} {hour:02d}:00-{hour + 1:02d}:00 UTC: {_rate(value)}"),
            )
            parts.append(cell)
    legend_y = top + 7 * CELL_HEIGHT + LEGEND_HEIGHT - 6
    legend = (
        f"Hours in UTC. Darkest: {_rate(busiest)}; white: none."
        if busiest
        else "No job started in the window."
    )
    parts.append(text(PAD, legend_y, legend, SMALL_SIZE, fill=MUTED))
    height = top + 7 * CELL_HEIGHT + LEGEND_HEIGHT + PAD
    label = f"Jobs started per hour of the week on {load.pool}"
    return svg_root(width, height, label, "chart heatmap", *parts)
