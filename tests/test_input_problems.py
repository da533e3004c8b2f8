"""Every input problem is a message, never a traceback (issue #24).

Each case is ``tei/bakulin.xml`` with one thing wrong (renamed, so that all cases can sit
in one edition): the encodings XML allows but the edition does not read, references that
are empty, given twice, too long or a path, a document key that is one of the edition's
own file names, and figures that are not numbers. Every case goes through ``edition
validate`` (an error naming file, line and rule), ``edition render`` (which renders any
TEI: the text is read correctly) and ``edition build`` (refused, with the same message).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import bibtexparser
import pytest
from lxml import etree

from conftest import REPO, copy_edition, run_edition

BAKULIN = (REPO / "tei" / "bakulin.xml").read_text(encoding="utf-8")
DIV = 'type="abstractSection" n="2"'
TABLE = """<table xml:id="{key}-table1" rows="2" cols="3">
              <row xml:id="{key}-row01" role="label"><cell/><cell><date when="1936">1936</date></cell><cell><date when="1937">1937</date></cell></row>
              <row xml:id="{key}-row02"><cell role="label">Cases</cell><cell><num value="{value}">many</num></cell><cell><num value="3">3</num></cell></row>
            </table>
        </div>
        <div xml:id="{key}-div04" """


def _renamed(key: str) -> str:
    return BAKULIN.replace("bakulin", key)


def _declared(text: str, encoding: str) -> str:
    return text.replace('<?xml version="1.0" encoding="UTF-8"?>', f'<?xml version="1.0" encoding="{encoding}"?>', 1)


def _latin1(text: str) -> bytes:
    # The abstract's few characters outside Latin-1 (quotation marks) as character references.
    return _declared(text, "ISO-8859-1").encode("latin-1", errors="xmlcharrefreplace")


def _n(value: str) -> Callable[[str], bytes]:
    return lambda text: text.replace(DIV, f'type="abstractSection" n="{value}"', 1).encode()


def _num(value: str) -> Callable[[str], bytes]:
    def make(text: str) -> bytes:
        key = re.search(r'<TEI [^>]*xml:id="([^"]+)"', text)[1]  # type: ignore[index]
        return text.replace(f'</div>\n        <div xml:id="{key}-div04" ', TABLE.format(key=key, value=value), 1).encode()
    return make


#: case -> (make the file from the renamed abstract, line of the message, rule)
CASES: dict[str, tuple[Callable[[str], bytes], int, str]] = {
    "utf16": (lambda t: _declared(t, "UTF-16").encode("utf-16"), 1, "encoding"),
    "utf16-undeclared": (lambda t: t.split("\n", 1)[1].encode("utf-16"), 1, "encoding"),
    "utf32": (lambda t: _declared(t, "UTF-32").encode("utf-32"), 1, "encoding"),
    "latin1": (_latin1, 1, "encoding"),
    "n-empty": (_n(""), 115, "cite-structure"),
    "n-duplicate": (_n("1"), 115, "cite-structure"),
    "n-overlong": (_n("x" * 300), 115, "cite-structure"),
    "n-traversal": (_n("x/../../../../../victim"), 115, "cite-structure"),
    "key-refs": (lambda t: re.sub(r'<TEI ([^>]*)xml:id="\w+" n="\w+"', r'<TEI \1xml:id="refs" n="refs"', t, count=1).encode(),
                 4, "cite-structure"),
    "use-cubic": (lambda t: t.replace('use="@n"', 'use="count(//node()[count(//node()) &gt; 0])"', 1).encode(),
                  70, "cite-structure"),
    "match-ancestor": (lambda t: t.replace('match="p"', 'match="ancestor::*/p"', 1).encode(), 71, "cite-structure"),
    "num-nan": (_num("NaN"), 120, "num-value"),
    "num-inf": (_num("INF"), 120, "num-value"),
    "num-fraction": (_num("1/2"), 120, "num-value"),
}


def _write_cases(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for n, (case, (make, _, _)) in enumerate(CASES.items()):
        path = folder / f"case{n:02d}.xml"
        path.write_bytes(make(_renamed(f"case{n:02d}")))
        paths[case] = path
    return paths


@pytest.fixture(scope="module")
def edition_with_cases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    root = copy_edition(tmp_path_factory.mktemp("input-problems"))
    return root, _write_cases(root / "tei")


def test_validate_names_file_line_and_rule(edition_with_cases):
    root, paths = edition_with_cases
    proc = run_edition("validate", *(f"tei/{p.name}" for p in paths.values()), root=root, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and "Traceback" not in out, out[-3000:]
    for case, path in paths.items():
        _, line, rule = CASES[case]
        assert f"tei/{path.name}:{line}:1: [{rule}]" in out, (case, out[-3000:])


def test_build_refuses_every_case_with_its_message(edition_with_cases):
    root, paths = edition_with_cases
    # Where the traversal case aims (five folders up from the output): other tests may have
    # left a victim of their own there, so only a file this build made would count.
    around = root.parent.parent
    before = set(around.rglob("victim*"))
    proc = run_edition("build", "-q", root=root, timeout=600)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    for case, path in paths.items():
        _, line, rule = CASES[case]
        assert f"tei/{path.name}:{line}:1: [{rule}]" in proc.stderr, case
    assert "build refused: the TEI is not valid" in proc.stderr
    assert not (root / "_build" / "html").exists()
    assert set(around.rglob("victim*")) == before


def test_render_reads_every_case_without_a_traceback(tmp_path: Path):
    paths = _write_cases(tmp_path / "cases")
    out = tmp_path / "out"
    proc = run_edition("render", *(str(p) for p in paths.values()), "--out", str(out), timeout=600)
    assert "Traceback" not in proc.stderr and "the build failed" not in proc.stderr, proc.stderr[-3000:]
    # The encodings are decoded as the XML parser reads them: the text is there, every character.
    for case in ("utf16", "utf16-undeclared", "utf32", "latin1"):
        page = (out / "docs" / f"{paths[case].stem}.html").read_text(encoding="utf-8")
        assert "the beginning of the “Great Terror” in the" in page, case
    # A figure that is no number is left out of the chart; the table is still shown.
    page = (out / "docs" / f"{paths['num-nan'].stem}.html").read_text(encoding="utf-8")
    assert "Cases" in page and "many" in page


def test_chart_leaves_out_rows_that_are_not_numbers():
    from edition.chart import table_chart

    def table(value: str) -> etree._Element:
        xml = TABLE.format(key="t", value=value).split("</table>")[0] + "</table>"
        return etree.fromstring(xml.replace("<table ", '<table xmlns="http://www.tei-c.org/ns/1.0" ', 1))

    assert table_chart(table("2")).series[0].values == (2.0, 3.0)
    for value in ("NaN", "INF", "-INF", "1/2", "1e400", "", "1_000"):
        assert table_chart(table(value)) is None, value


# --- BibTeX and RIS: a field never ends early --------------------------------------------------

HOSTILE = 'Evil} , year = {1066}, note = {forged "x" \\ {y} %z & and @misc{a,'


def _unit_and_item():
    from types import SimpleNamespace

    item = {"id": "k", "title": HOSTILE, "container-title": f"Book {HOSTILE}", "publisher": HOSTILE, "version": "1",
            "URL": 'https://example.org/a b{c}"d', "note": f"note\r\nER  - \r\nTY  - {HOSTILE}", "language": "en",
            "author": [{"family": 'Smith"} and {Forged', "given": HOSTILE}, {"literal": HOSTILE}]}
    return item, SimpleNamespace(local="1")


def test_bibtex_fields_hold_whatever_the_text():
    from edition.citation import bibtex

    item, unit = _unit_and_item()
    library = bibtexparser.parse_string(bibtex(item, unit))
    assert not library.failed_blocks and len(library.entries) == 1
    fields = library.entries[0].fields_dict
    assert set(fields) == {"author", "booktitle", "chapter", "language", "note", "publisher", "title", "url", "version"}
    # Braces are balanced inside every value: BibTeX itself would find the same ends.
    for field in fields.values():
        value = field.value
        depth = 0
        for ch in value:
            depth += {"{": 1, "}": -1}.get(ch, 0)
            assert depth >= 0, (field.key, value)
        assert depth == 0, (field.key, value)
    assert " {and} " in fields["author"].value  # one author, not two
    assert fields["url"].value == "https://example.org/a%20b%7Bc%7D%22d"


def test_ris_value_never_starts_a_line():
    from edition.citation import ris

    item, unit = _unit_and_item()
    lines = ris(item, unit).split("\r\n")
    assert [line[:6] for line in lines if line].count("ER  - ") == 1
    assert [line[:6] for line in lines if line].count("TY  - ") == 1
    assert all(re.match(r"[A-Z][A-Z0-9]  - ", line) for line in lines if line)
