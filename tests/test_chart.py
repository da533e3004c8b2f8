"""Table 1 as data: the chart is drawn from the TEI's numbers, uses the corrected date and marks it."""

from __future__ import annotations

from lxml import etree, html

from edition.chart import SVG, document_charts, svg, table_chart
from edition.documents import TEI_DIR
from edition.xmlsafe import parse_file

TEI = "http://www.tei-c.org/ns/1.0"
NS = {"tei": TEI, "svg": SVG}
TABLE_ID = "dikova-table2"


def _table() -> etree._Element:
    tree = parse_file(TEI_DIR / "dikova.xml")
    (table,) = tree.xpath(f"//tei:table[@xml:id='{TABLE_ID}']", namespaces=NS)
    return table


def _tei_values(table: etree._Element) -> list[list[str]]:
    return [row.xpath("tei:cell/tei:num/@value", namespaces=NS) for row in table.xpath("tei:row[not(@role='label')]", namespaces=NS)]


def _svg_values(root: etree._Element) -> list[list[str]]:
    return [g.xpath("svg:circle/@data-value", namespaces=NS) for g in root.xpath("svg:g[@class='series']", namespaces=NS)]


def test_chart_values_are_the_tei_numbers() -> None:
    table = _table()
    root = etree.fromstring(svg(table_chart(table)))
    expected = _tei_values(table)
    assert len(expected) == 2 and all(len(row) == 5 for row in expected)
    assert _svg_values(root) == expected


def test_corrected_date_is_used_and_marked() -> None:
    table = _table()
    chart = table_chart(table)
    root = etree.fromstring(svg(chart))
    dates = root.xpath("svg:g[1]/svg:circle/@data-date", namespaces=NS)
    assert dates == table.xpath("tei:row[@role='label']/tei:cell/tei:date/@when", namespaces=NS)
    assert dates[-1] == "1934-10-01"
    labels = [t.text for t in root.xpath("//svg:text[contains(@class, 'chart-date')]", namespaces=NS)]
    assert "1.10.1934*" in labels and not any("1034" in label for label in labels)
    notes = "".join(root.xpath("//svg:text[@class='chart-note']/text()", namespaces=NS))
    assert "1.10.1034 in the source, corrected to 1.10.1934" in notes
    assert root.xpath("count(//svg:circle[@data-corrected='true'])", namespaces=NS) == 2  # one per series


def test_svg_is_accessible_and_inert() -> None:
    root = etree.fromstring(svg(table_chart(_table())))
    assert root.get("role") == "img"
    title, desc = root.find(f"{{{SVG}}}title"), root.find(f"{{{SVG}}}desc")
    assert "Collectivisation results" in title.text
    assert "379,058" in desc.text and "65.7" in desc.text and "1.10.1034 in the source" in desc.text
    assert set(root.get("aria-labelledby").split()) == {title.get("id"), desc.get("id")}
    assert not root.xpath("//svg:script | //svg:foreignObject", namespaces=NS)
    assert not [a for el in root.iter() for a in el.attrib if a.lower().startswith("on")]


def test_only_tables_of_dated_figures_get_a_chart() -> None:
    charts = document_charts(parse_file(TEI_DIR / "dikova.xml"))
    assert [c.table_id for c in charts] == [TABLE_ID]  # the transliteration table has no dates


def test_markup_in_a_label_is_text(tmp_path) -> None:
    path = tmp_path / "t.xml"
    path.write_text(
        f'<table xmlns="{TEI}"><row role="label"><cell/><cell><date when="1931-01-01">&lt;script&gt;1931</date></cell>'
        '<cell><date when="1932-01-01">1932</date></cell></row>'
        '<row><cell role="label">A &lt;b onload="x()"&gt;</cell><cell><num value="1">1</num></cell>'
        '<cell><num value="2">2</num></cell></row></table>'
    )
    out = svg(table_chart(parse_file(path).getroot()))
    assert "<script" not in out and "&lt;script&gt;" in out and "<b " not in out


def test_chart_stands_after_table_1_in_the_built_page(built_site) -> None:
    page = html.parse(str(built_site / "tei" / "dikova.html")).getroot()
    (table,) = page.xpath(f"//table[@id='{TABLE_ID}']")
    (figure,) = page.xpath(f"//figure[@id='{TABLE_ID}-chart']")
    following = page.xpath(f"//table[@id='{TABLE_ID}']/following::*")
    assert figure in following
    assert following.index(figure) < following.index(page.xpath("//*[@id='dikova-p0135']")[0])
    (chart_svg,) = figure.xpath(".//*[local-name()='svg']")
    values = [g.xpath(".//*[local-name()='circle']/@data-value") for g in chart_svg.xpath("./*[local-name()='g']")]
    assert values == _tei_values(_table())
    assert "1.10.1034 in the source, corrected to 1.10.1934" in figure.text_content()
    assert not figure.xpath(".//*[local-name()='script']")


def test_time_axis_shows_the_uneven_interval() -> None:
    """x is proportional to time: 1.01.1934 → 1.10.1934 (273 days) is 273/365 of a year's
    distance; the axis has a tick at every month and a rule at every 1 January."""
    root = etree.fromstring(svg(table_chart(_table())))
    panel = root.xpath("svg:g[@class='series']", namespaces=NS)[0]
    xs = [float(x) for x in panel.xpath("svg:circle/@cx", namespaces=NS)]
    year = xs[3] - xs[2]  # 1.01.1933 → 1.01.1934
    nine_months = xs[4] - xs[3]  # 1.01.1934 → 1.10.1934
    assert abs(nine_months / year - 273 / 365) < 0.01
    assert panel.xpath("svg:line[@class='chart-year']/@data-date", namespaces=NS) == [
        "1931-01-01", "1932-01-01", "1933-01-01", "1934-01-01"]
    assert len(panel.xpath("svg:line[@class='chart-month-tick']", namespaces=NS)) == 12 * 3 + 10
    # Every point is labelled with its date, under it.
    labels = panel.xpath("svg:text[contains(@class, 'chart-date')]", namespaces=NS)
    assert [float(t.get("x")) for t in labels] == xs
    assert [t.text for t in labels] == ["1.01.1931", "1.01.1932", "1.01.1933", "1.01.1934", "1.10.1934*"]
