"""Tables of figures drawn as accessible SVG charts, from the numbers in the TEI.

A table qualifies when its label row (``row[@role='label']``) dates every column
(``date/@when``) and at least one other row holds a figure (``num/@value``) in
every dated column: the dissertation's Table 1 (``dikova-table2``, collectivised
farms and percentage by date) is one. Each figure row becomes one panel of the
chart, a line over a time axis proportional to the dates, with a tick at every
month and a rule at every year (so that nine months look shorter than a year),
each point labelled with its date.

The values are the TEI's ``num/@value`` and the dates its ``date/@when``; a date
printed wrongly by the source (``choice/sic/corr``) is placed at its correction
and marked with an asterisk, and a note under the chart says what the source
prints. The SVG is built as an element tree, so every text from the TEI is
escaped; it carries ``role="img"``, a ``title`` and a ``desc`` that states
every value, and no script.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from lxml import etree

TEI = "http://www.tei-c.org/ns/1.0"
NS = {"tei": TEI}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
SVG = "http://www.w3.org/2000/svg"

#: Geometry of one panel (SVG user units).
WIDTH, PANEL_HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 170, 78, 24, 34, 34


@dataclass(frozen=True)
class Column:
    """One dated column of the table."""

    when: str  #: ISO date from ``date/@when`` (the corrected one where the source errs)
    label: str  #: the date as the edited reading prints it
    printed: str | None  #: what the source prints, when the editors corrected it


@dataclass(frozen=True)
class Series:
    """One row of figures."""

    label: str
    values: tuple[float, ...]
    raw: tuple[str, ...]  #: the ``num/@value`` strings exactly as the TEI gives them
    texts: tuple[str, ...]  #: the figures as the source prints them (``46.952``)


@dataclass(frozen=True)
class Chart:
    table_id: str
    caption: str
    columns: tuple[Column, ...]
    series: tuple[Series, ...]

    @property
    def corrections(self) -> list[Column]:
        return [c for c in self.columns if c.printed is not None]


def _ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def edited_text(el: etree._Element) -> str:
    """The text of ``el`` in the edited reading: ``corr``/``reg`` instead of ``sic``/``orig``, no notes."""
    skip = {f"{{{TEI}}}{name}" for name in ("sic", "orig", "note")}
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.tag in skip:
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(el)
    return _ws("".join(parts))


def _column(cell: etree._Element) -> Column | None:
    dates = cell.xpath("tei:date[@when]", namespaces=NS)
    if len(dates) != 1:
        return None
    sic = dates[0].xpath("string(.//tei:sic)", namespaces=NS)
    return Column(dates[0].get("when"), edited_text(dates[0]), _ws(sic) or None)


#: A value a chart draws: a decimal number, as XPath 1.0's ``number()`` reads one.
_DECIMAL = re.compile(r"\s*-?(\d+(\.\d*)?|\.\d+)\s*")


def table_chart(table: etree._Element) -> Chart | None:
    """The chart of ``table``, or None when it is not a table of dated figures."""
    label_rows = table.xpath("tei:row[@role='label']", namespaces=NS)
    if not label_rows:
        return None
    cells = label_rows[0].xpath("tei:cell", namespaces=NS)
    positions = [(i, _column(c)) for i, c in enumerate(cells)]
    dated = [(i, c) for i, c in positions if c is not None]
    if len(dated) < 2:
        return None
    series = []
    for row in table.xpath("tei:row[not(@role='label')]", namespaces=NS):
        row_cells = row.xpath("tei:cell", namespaces=NS)
        nums = [row_cells[i].xpath("tei:num[@value]", namespaces=NS) if i < len(row_cells) else [] for i, _ in dated]
        if not all(len(n) == 1 for n in nums):
            continue
        label = edited_text(row.xpath("tei:cell[@role='label']", namespaces=NS)[0]) if row.xpath(
            "tei:cell[@role='label']", namespaces=NS) else ""
        raw = tuple(n[0].get("value") for n in nums)
        if not all(_DECIMAL.fullmatch(v) for v in raw):
            continue  # NaN, INF, 1/2 …: nothing a chart can place (``edition validate`` refuses them)
        series.append(Series(label, tuple(float(v) for v in raw), raw, tuple(edited_text(n[0]) for n in nums)))
    if not series:
        return None
    trailer = table.xpath("tei:trailer | tei:head", namespaces=NS)
    caption = edited_text(trailer[0]) if trailer else ""
    return Chart(table.get(XML_ID, ""), caption, tuple(c for _, c in dated), tuple(series))


def document_charts(tree: etree._ElementTree) -> list[Chart]:
    """Every chartable table of a TEI document."""
    return [c for t in tree.iter(f"{{{TEI}}}table") if (c := table_chart(t)) is not None]


# --- drawing ------------------------------------------------------------------------------


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= value)


def _day(when: str) -> int:
    """Day number of an ISO date; a year or a month counts from its first day."""
    parts = [int(p) for p in when.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2]).toordinal()


def time_ticks(first: int, last: int) -> tuple[list[int], list[int]]:
    """Day numbers of the first day of every month, and of every year, from ``first`` to ``last``.

    The chart's time axis marks them, so that an uneven interval between two columns
    (a year, then nine months) is seen as such.
    """
    months: list[int] = []
    start = date.fromordinal(first)
    year, month = start.year, start.month
    if start.day != 1:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    while (day := date(year, month, 1).toordinal()) <= last:
        months.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    years = [d for d in months if date.fromordinal(d).month == 1]
    return months, years


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 1000 else f"{value:g}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: object) -> etree._Element:
    el = etree.SubElement(parent, f"{{{SVG}}}{tag}", {k.rstrip("_").replace("__", "-"): str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _summary(chart: Chart) -> str:
    parts = []
    for s in chart.series:
        points = "; ".join(f"{c.label}{'*' if c.printed else ''}: {_number(v)}" for c, v in zip(chart.columns, s.values))
        parts.append(f"{s.label}: {points}.")
    return " ".join(parts)


def correction_note(column: Column) -> str:
    return f"* {column.printed} in the source, corrected to {column.label} by the editors."


def svg(chart: Chart) -> str:
    """The chart as an SVG document fragment (a string, no XML declaration, no script)."""
    days = [_day(c.when) for c in chart.columns]
    first, last = min(days), max(days)
    plot_w = WIDTH - LEFT - RIGHT
    notes = chart.corrections
    height = PANEL_HEIGHT * len(chart.series) + 18 * len(notes) + 8
    base = f"{chart.table_id}-chart"
    root = etree.Element(f"{{{SVG}}}svg", nsmap={None: SVG})
    for name, value in (("viewBox", f"0 0 {WIDTH} {height}"), ("width", str(WIDTH)), ("role", "img"),
                        ("aria-labelledby", f"{base}-title {base}-desc"), ("class", "edition-chart")):
        root.set(name, value)
    _sub(root, "title", f"Chart of {chart.caption or chart.table_id}", id=f"{base}-title")
    _sub(root, "desc", f"Drawn from the figures of the table. {_summary(chart)}"
         + "".join(f" {correction_note(c)}" for c in notes), id=f"{base}-desc")

    def x_of(day: int) -> float:
        # An inset on both sides keeps the first and last labels clear of the axis ticks.
        inset = 36
        return LEFT + inset + ((plot_w - 2 * inset) * (day - first) / (last - first) if last > first else plot_w / 2 - inset)

    for index, series in enumerate(chart.series):
        top = index * PANEL_HEIGHT + TOP
        bottom = (index + 1) * PANEL_HEIGHT - BOTTOM
        ymax = _nice_max(max(series.values))
        panel = _sub(root, "g", class_="series", data__series=series.label)
        _sub(panel, "text", series.label, x=LEFT, y=top - 14, class_="chart-series-label")
        for tick in range(5):
            value = ymax * tick / 4
            y = bottom - (bottom - top) * tick / 4
            _sub(panel, "line", x1=LEFT, x2=WIDTH - RIGHT, y1=f"{y:.1f}", y2=f"{y:.1f}", class_="chart-grid")
            _sub(panel, "text", _number(value), x=LEFT - 6, y=f"{y + 4:.1f}", class_="chart-tick", text__anchor="end")
        # The time axis: a tick at every month, a longer one and a faint rule at every year.
        months, years = time_ticks(first, last)
        _sub(panel, "line", x1=LEFT, x2=WIDTH - RIGHT, y1=bottom, y2=bottom, class_="chart-axis")
        for day in months:
            x = f"{x_of(day):.1f}"
            if day in years:
                _sub(panel, "line", x1=x, x2=x, y1=top, y2=bottom, class_="chart-year", data__date=date.fromordinal(day).isoformat())
            _sub(panel, "line", x1=x, x2=x, y1=bottom, y2=bottom + (6 if day in years else 3),
                 class_="chart-month-tick")
        points = [(x_of(d), bottom - (bottom - top) * v / ymax) for d, v in zip(days, series.values)]
        _sub(panel, "polyline", points=" ".join(f"{x:.1f},{y:.1f}" for x, y in points), class_="chart-line")
        for column, (x, y), raw, value in zip(chart.columns, points, series.raw, series.values):
            _sub(panel, "circle", cx=f"{x:.1f}", cy=f"{y:.1f}", r=4, class_="chart-point",
                 data__date=column.when, data__value=raw,
                 data__corrected="true" if column.printed else "false")
            _sub(panel, "text", _number(value), x=f"{x:.1f}", y=f"{y - 8:.1f}", class_="chart-value", text__anchor="middle")
            _sub(panel, "text", column.label + ("*" if column.printed else ""), x=f"{x:.1f}", y=f"{bottom + 16:.1f}",
                 class_="chart-date corrected" if column.printed else "chart-date", text__anchor="middle")
    for n, column in enumerate(notes):
        _sub(root, "text", correction_note(column), x=LEFT, y=PANEL_HEIGHT * len(chart.series) + 14 + 18 * n,
             class_="chart-note")
    return etree.tostring(root, encoding="unicode")
