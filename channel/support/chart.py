"""The VAF trend as a server-rendered SVG line chart: one line per dimension, each a share of its maximum
(0 to 100%), with a distinct dash pattern and marker so colour is never the only difference."""

from __future__ import annotations

from typing import Any

WIDTH, HEIGHT = 420, 280
# The date under the last assessment is centred on it: RIGHT leaves room for half of "30 Sep 2026" (about
# 85 units wide in 14-unit type), as LEFT does for the first.
LEFT, RIGHT, TOP, BOTTOM = 52, 52, 16, 44
# (stroke colour, dash pattern, marker) per dimension, in VAFDimension's order.
STYLES = (
    ("#1d70b8", "", "circle", ""),
    ("#d4351c", "10 5", "square", "dashed"),
    ("#00703c", "3 4", "diamond", "dotted"),
)


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    return LEFT + (inner / 2 if count == 1 else inner * index / (count - 1))


def _y(percent: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - percent / 100)


def vaf_chart(trend: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The chart's geometry, or None with no assessment."""
    if not trend:
        return None
    count = len(trend)
    lines = []
    for position, (colour, dash, marker, pattern) in enumerate(STYLES):
        points = [
            (round(_x(i, count), 1), round(_y(row["dimensions"][position]["percent"]), 1))
            for i, row in enumerate(trend)
        ]
        lines.append(
            {
                "label": trend[0]["dimensions"][position]["dimension"].label,
                "colour": colour,
                "dash": dash,
                "pattern": pattern,
                "marker": marker,
                "points": " ".join(f"{x},{y}" for x, y in points),
                "dots": points,
                "legend_y": TOP + 14 * position,
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "grid": [{"y": round(_y(p), 1), "label": f"{p}%"} for p in (0, 25, 50, 75, 100)],
        "ticks": [
            {"x": round(_x(i, count), 1), "label": f"{row['assessment'].assessed_on:%-d %b %Y}"}
            for i, row in enumerate(trend)
        ],
        "lines": lines,
    }
