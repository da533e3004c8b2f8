"""Canonical references and citations: fixtures for the citeStructure rules, then the real edition."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest
from lxml import etree

from edition.citation import DEFAULT_BASE_URL, cite_document, cite_unit, document_metadata, resolver_path
from edition.citeref import NS, XML_ID, CiteStructureError, citable_units, tei_xpath
from edition.documents import DOCUMENTS, document_paths
from edition.xmlsafe import parse_file

HEADER = """<teiHeader><fileDesc><titleStmt><title type="main">T &amp; {{x}}</title>
<title type="sub">The Kirov Edition: a digital scholarly edition</title>
<respStmt xml:id="fx-ed"><resp>Encoding</resp><orgName>Editorial team of the Kirov Edition</orgName></respStmt></titleStmt>
<publicationStmt><publisher>The Kirov Edition</publisher><date when="2026-11-22"/></publicationStmt>
<sourceDesc><bibl>{author}<title>Source</title></bibl></sourceDesc></fileDesc>
<encodingDesc><refsDecl>{cite}</refsDecl></encodingDesc></teiHeader>"""

BODY = """<text><body>
<div type="chapter" n="4" xml:id="fx-div01"><head>Four</head>
  <p xml:id="fx-p0001">a</p>
  <div type="section" n="3" xml:id="fx-div02"><p xml:id="fx-p0002">b</p><p xml:id="fx-p0003">c</p></div>
</div></body></text>"""

NESTED = """<citeStructure unit="chapter" match="/TEI/text/body/div[@type='chapter']" use="@n" delim="fx:">
  <citeStructure unit="section" match="div[@type='section']" use="@n" delim=".">
    <citeStructure unit="paragraph" match="p" use="position()" delim="."/>
  </citeStructure>
</citeStructure>"""


def fixture(cite: str = NESTED, author: str = "<author>Jane Roe</author>", body: str = BODY) -> etree._ElementTree:
    xml = f'<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="fx" n="fx">{HEADER.format(cite=cite, author=author)}{body}</TEI>'
    return etree.ElementTree(etree.fromstring(xml))


# --- citeStructure evaluation ------------------------------------------------------


def test_nested_structure_builds_canonical_refs():
    units = citable_units(fixture())
    assert [(u.ref, u.xml_id, u.unit, u.parent, u.level) for u in units] == [
        ("fx:4", "fx-div01", "chapter", None, 1),
        ("fx:4.3", "fx-div02", "section", "fx:4", 2),
        ("fx:4.3.1", "fx-p0002", "paragraph", "fx:4.3", 3),
        ("fx:4.3.2", "fx-p0003", "paragraph", "fx:4.3", 3),
    ]


def test_key_is_added_when_the_structure_does_not_write_it():
    cite = '<citeStructure unit="chapter" match="//body/div" use="@n"><citeStructure match="p" use="count(preceding-sibling::p)+1" delim="."/></citeStructure>'
    assert [u.ref for u in citable_units(fixture(cite))] == ["fx:4", "fx:4.1"]


def test_xpath_prefixing_leaves_attributes_functions_axes_and_operators():
    assert tei_xpath("//body/div[@type='x' and position() = last()]/child::p | a div 2") == (
        "//tei:body/tei:div[@type='x' and position() = last()]/child::tei:p | tei:a div 2"
    )


def test_missing_cite_structure_is_reported():
    with pytest.raises(CiteStructureError, match="no refsDecl/citeStructure"):
        citable_units(fixture(cite=""))


def test_structure_selecting_nothing_is_reported():
    with pytest.raises(CiteStructureError, match="selects nothing"):
        citable_units(fixture(cite='<citeStructure match="//body/div[@type=\'slide\']" use="@n"/>'))


def test_ambiguous_references_are_reported():
    # Both paragraphs of the section get "1": the same reference twice.
    cite = '<citeStructure match="//div[@type=\'section\']" use="@n"><citeStructure match="p" use="1" delim="."/></citeStructure>'
    with pytest.raises(CiteStructureError, match="given to two units"):
        citable_units(fixture(cite))


def test_no_author_is_invented():
    meta = document_metadata(fixture(author=""))
    assert meta.authors == ()
    citation = cite_unit(meta, citable_units(fixture(author=""))[-1])
    assert "author" not in citation.csl
    assert "Jane Roe" not in citation.chicago_note
    # CSL substitutes the editor for a missing author, as Chicago prescribes.
    assert citation.chicago_note.startswith("Editorial team of the Kirov Edition, “T &amp; {x}”"), citation.chicago_note


def test_citeproc_output_is_escaped_html():
    citation = cite_unit(document_metadata(fixture()), citable_units(fixture())[-1])
    assert "T &amp; {x}" in citation.chicago_note and "<i>The Kirov Edition" in citation.chicago_note
    assert citation.plain["chicago_note"].startswith("Jane Roe, “T & {x}”, in The Kirov Edition")
    assert "para. 4.3.2" in citation.chicago_note and "par. 4.3.2" in citation.mla_in_text


# --- the real edition -----------------------------------------------------------------


@pytest.fixture(scope="module")
def edition() -> dict[str, tuple[etree._ElementTree, list]]:
    paths = document_paths()
    if len(paths) < len(DOCUMENTS):
        pytest.skip("the five TEI documents are not all there yet")
    result = {}
    for path in paths:
        tree = parse_file(path)
        result[path.stem] = (tree, cite_document(tree))
    return result


def test_every_document_has_citable_units_with_unique_refs(edition):
    every = [c.ref for _, cites in edition.values() for c in cites]
    assert len(every) == len(set(every))
    for key, (_, cites) in edition.items():
        assert cites, key
        assert all(c.ref.startswith(f"{key}:") and c.ref != f"{key}:" for c in cites)
        assert all(c.unit.xml_id for c in cites), f"{key}: a citable unit without xml:id has no anchor"
        assert len({resolver_path(c.unit) for c in cites}) == len(cites)


def test_body_paragraphs_are_citable(edition):
    """Every paragraph of a body (outside quotations, notes and web-page chrome) has a canonical reference."""
    for key, (tree, cites) in edition.items():
        cited = {c.unit.xml_id for c in cites}
        paragraphs = tree.xpath(
            "//tei:body//tei:p[not(ancestor::tei:quote or ancestor::tei:note or ancestor::tei:div[@type='chrome'])]",
            namespaces=NS,
        )
        missing = [p.get(XML_ID) for p in paragraphs if p.get(XML_ID) not in cited]
        assert not missing, f"{key}: paragraphs without a canonical reference: {missing[:10]}"


def test_paragraph_urls_point_at_the_paragraph(edition):
    for key, (tree, cites) in edition.items():
        for c in cites:
            if etree.QName(c.unit.element).localname != "p":
                continue
            assert c.url == f"{DEFAULT_BASE_URL}tei/{key}.html#{c.unit.xml_id}"
            assert c.csl["URL"] == c.url
            assert tree.xpath("//*[@xml:id=$i]", i=c.unit.xml_id)[0] is c.unit.element


def test_shared_rendering_equals_citeproc_per_unit(edition):
    for key, (tree, cites) in edition.items():
        meta = document_metadata(tree)
        for c in (cites[0], cites[len(cites) // 2], cites[-1]):
            assert cite_unit(meta, c.unit) == c, c.ref


def test_bibtex_parses(edition):
    for key, (_, cites) in edition.items():
        library = bibtexparser.parse_string("\n".join(c.bibtex for c in cites))
        assert not library.failed_blocks, library.failed_blocks[:1]
        assert len(library.entries) == len(cites)
        first = library.entries[0]
        assert first.entry_type == "incollection"
        assert first.key == cites[0].unit.xml_id
        assert first.fields_dict["url"].value == cites[0].url
        assert first.fields_dict["chapter"].value == cites[0].unit.local


def test_csl_json_has_required_fields(edition):
    for _, cites in edition.values():
        for item in json.loads(cites[0].csl_json) + json.loads(cites[-1].csl_json):
            assert item["type"] == "chapter"
            assert item["title"] and item["URL"] and item["id"]
            assert item["issued"]["date-parts"][0][0] >= 2000


def test_ris_records(edition):
    for _, cites in edition.values():
        for c in cites:
            lines = c.ris.split("\r\n")
            assert lines[0] == "TY  - CHAP" and lines[-2] == "ER  - " and lines[-1] == ""
            assert f"UR  - {c.url}" in lines


def test_authors_come_from_the_header(edition):
    for key, (tree, cites) in edition.items():
        named = tree.xpath("//tei:sourceDesc//tei:author", namespaces=NS)
        assert bool(named) == ("author" in cites[0].csl), key


def test_citation_cff_matches_the_release():
    import tomllib

    cff = (Path(__file__).resolve().parents[1] / "CITATION.cff").read_text(encoding="utf-8")
    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert f'version: "{project["version"]}"' in cff
    assert "cff-version: 1.2.0" in cff and "- name: \"Editorial team of the Kirov Edition\"" in cff


def test_a_build_renders_citation_forms_again_only_when_what_they_show_changed(tmp_path: Path, monkeypatch):
    """citeproc takes ~50 ms a form: the build's catalogue keeps the rendered forms, so an
    edit of a paragraph's words renders none, and an edit of the title renders them all."""
    from edition import citation as citation_forms
    from edition import products
    from edition.sphinxext.citing import Catalogue

    (tmp_path / "tei").mkdir()
    source = next(p for p in document_paths() if p.stem == "bakulin")
    copy = tmp_path / "tei" / "bakulin.xml"
    copy.write_bytes(source.read_bytes())
    rendered: list[str] = []
    real = citation_forms.render_forms
    monkeypatch.setattr(citation_forms, "render_forms", lambda *a: (rendered.append(a[1]), real(*a))[1])

    def cited(key: str) -> tuple:
        catalogue = Catalogue(products.ProductStore(tmp_path / "store"), tmp_path, DEFAULT_BASE_URL)
        catalogue.add("tei/bakulin", key)
        return catalogue["tei/bakulin"].citations

    first = cited("k1")
    assert rendered and first
    rendered.clear()
    copy.write_text(copy.read_text(encoding="utf-8").replace("The article examines", "The article studies"), encoding="utf-8")
    assert cited("k2") == first and rendered == []
    copy.write_text(copy.read_text(encoding="utf-8").replace("Entering 1937 (abstract)", "Entering 1937"), encoding="utf-8")
    retitled = cited("k3")
    assert rendered and all("Entering 1937" in c.chicago_note and "abstract" not in c.chicago_note for c in retitled)
