"""The VAF trend chart's geometry: every date under the chart fits inside it (none is cut at the edge)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from channel.support.chart import vaf_chart

FONT_SIZE = 14
# Arial-like digits and letters at 14 units are about 7.8 units wide (0.55 em); a space about 3.9.
CHARACTER_WIDTH = 0.55 * FONT_SIZE


def _trend(*days: datetime.date) -> list[dict]:
    dimension = SimpleNamespace(label="Engagement")
    return [
        {"assessment": SimpleNamespace(assessed_on=day), "dimensions": [{"dimension": dimension, "percent": 50}] * 3}
        for day in days
    ]


def test_every_date_label_fits_inside_the_chart():
    for count in (1, 2, 5):
        days = [datetime.date(2026, 9, 30) + datetime.timedelta(weeks=6 * i) for i in range(count)]
        chart = vaf_chart(_trend(*days))
        for tick in chart["ticks"]:
            half = len(tick["label"]) * CHARACTER_WIDTH / 2
            assert tick["x"] - half >= 0, tick
            assert tick["x"] + half <= chart["width"], tick
