"""The "Encoding guidelines" page rendered from the ODD (``edition/sphinxext/guidelines.py``).

The ODD ↔ RNG/Schematron agreement is tested in ``test_validate.py``; here: every
element the schema admits is *documented* in the ODD, every rule id that
``edition validate`` can print is explained, and the rendered page shows each
element with its closed lists and a real example whose file and line are right.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docutils.parsers.docutils_xml import Unknown, parse_element
from lxml import etree

from edition import schema
from edition.sphinxext.guidelines import MAX_CHILDREN, excerpt, renderer, usage_document
from edition.validate import validate

ROOT = Path(__file__).resolve().parents[1]
INVALID = ROOT / "tests" / "fixtures" / "invalid"
TEI = "{http://www.tei-c.org/ns/1.0}"
RNG = "{http://relaxng.org/ns/structure/1.0}"
SCH = "{http://purl.oclc.org/dsdl/schematron}"


@pytest.fixture(scope="module")
def odd() -> etree._ElementTree:
    return etree.parse(str(schema.ODD_PATH))


@pytest.fixture(scope="module")
def usage() -> etree._Element:
    return etree.fromstring(usage_document())


@pytest.fixture(scope="module")
def page(usage: etree._Element) -> etree._Element:
    """The Docutils XML of the page, rendered from the real ODD and the real TEI."""
    return etree.fromstring(renderer().render(usage=etree.tostring(usage, encoding="unicode")).encode())


def _section(page: etree._Element, ident: str) -> etree._Element:
    found = page.xpath("//section[@ids=$i]", i=ident)
    assert len(found) == 1, f"no single section {ident}"
    return found[0]


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


# --------------------------------------------------------------------------- the ODD documents the schema


def test_every_element_the_schema_allows_is_described_in_the_odd(odd) -> None:
    rng = etree.parse(str(schema.RNG_PATH)).getroot()
    allowed = {el.get("name") for el in rng.iter(RNG + "element") if el.get("name")}
    described = {
        spec.get("ident"): _text(spec.find(TEI + "desc"))
        for spec in odd.iter(TEI + "elementSpec")
        if spec.find(TEI + "desc") is not None
    }
    undocumented = sorted(name for name in allowed if len(described.get(name, "")) < 12)
    assert not undocumented, f"elements without a description in the ODD: {undocumented}"
    # And the ODD describes nothing the schema does not admit (a stale description).
    assert set(described) <= set(schema.included_elements(odd))


def test_every_rule_id_validate_prints_is_explained_in_the_odd(odd) -> None:
    explained = set(schema.constraint_ids(odd)) | {
        _text(label) for label in odd.xpath("//tei:div[@type='constraints']//tei:list/tei:label", namespaces={"tei": TEI[1:-1]})
    }
    files = sorted(INVALID.glob("*.xml"))
    printed = {p.rule for p in validate(files).problems}
    # The fixtures make every check fire (one bad file per rule, see test_validate.py).
    assert {"xmlid-unique", "pointer", "odd-element", "odd-value", "rng", "xml-wellformed"} <= printed
    assert printed <= explained, f"rule ids not explained in the ODD: {sorted(printed - explained)}"


# --------------------------------------------------------------------------- the rendered page


def test_page_is_docutils_vocabulary(page) -> None:
    node = parse_element(etree.tostring(page, encoding="unicode"))
    assert not list(node.findall(Unknown))


def test_every_admitted_element_has_an_entry_with_its_description(page, odd) -> None:
    for name in schema.included_elements(odd):
        section = _section(page, f"element-{name}")
        assert _text(section.find("title")) == f"<{name}>"
        spec = odd.xpath("//tei:elementSpec[@ident=$n]/tei:desc", n=name, namespaces={"tei": TEI[1:-1]})[0]
        words = re.findall(r"\w+", _text(spec))
        assert re.findall(r"\w+", _text(section.find("paragraph"))) == words, name


def test_usage_counts_are_the_real_ones(page, usage) -> None:
    persname = sum(
        len(etree.parse(str(p)).getroot().findall(f".//{TEI}persName")) for p in sorted((ROOT / "tei").glob("*.xml"))
    )
    assert f"Used {persname} times" in _text(_section(page, "element-persName"))
    # An admitted element that no file uses says so rather than inventing an example.
    if usage.find("element[@ident='orig']") is None:
        orig = _section(page, "element-orig")
        assert "not used in the edition yet" in _text(orig) and orig.find("literal_block") is None


def test_usage_kept_in_the_store_follows_an_edit(tmp_path: Path, monkeypatch) -> None:
    """Each file's summary is kept between processes; after an edit, the usage read through
    the store is the usage collected afresh, and only the edited file is summarised again."""
    from edition import products
    from edition.sphinxext import guidelines

    copies = tmp_path / "tei"
    shutil.copytree(ROOT / "tei", copies, ignore=shutil.ignore_patterns("schema", "*.tsv"))
    files, documents = sorted(copies.glob("*.xml")), sorted(copies.glob("[a-z]*.xml"))
    store = products.ProductStore(tmp_path / "store")
    first = usage_document(files, documents, store=store)
    stored = store.names(guidelines.FILE_USAGE_PRODUCT)
    assert len(stored) == len(files)
    edited = copies / "bakulin.xml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("</p>", "<persName>Zyzzogeton</persName></p>", 1),
                      encoding="utf-8")
    guidelines._FILE_USES.clear()  # a new process
    read = []
    summarise = guidelines._file_usage
    monkeypatch.setattr(guidelines, "_file_usage", lambda path, in_document: read.append(path.name) or summarise(path, in_document))
    again = usage_document(files, documents, store=store)
    assert read == ["bakulin.xml"]
    guidelines._FILE_USES.clear()
    assert again == usage_document(files, documents) != first
    count = lambda xml: int(etree.fromstring(xml).find("element[@ident='persName']").get("occurrences"))  # noqa: E731
    assert count(again) == count(first) + 1


def test_closed_value_lists_are_listed_on_their_elements(page) -> None:
    rules = schema.odd_rules()
    for (element, attribute), values in rules.element_values.items():
        section = _section(page, f"element-{element}")
        items = section.xpath(".//list_item[paragraph[1]/literal[.=$a]]", a=f"@{attribute}")
        assert items, f"{element}/@{attribute} not listed"
        listed = {_text(v) for v in items[0].xpath("bullet_list[@classes='values']/list_item/paragraph/literal[1]")}
        assert listed == set(values), (element, attribute)
    # A class-level closed list (cert) is shown where the attribute is used, and once for all.
    corr = _section(page, "element-corr")
    assert {"high", "medium", "low"} <= {_text(v) for v in corr.xpath(".//bullet_list[@classes='values']//literal")}
    assert "@facs" in _text(_section(page, "global-attributes"))


def test_examples_come_from_our_tei_at_the_stated_line(page, usage) -> None:
    checked = 0
    for element in usage.iter("element"):
        name = element.get("ident")
        section = _section(page, f"element-{name}")
        source = section.find("paragraph[@classes='example-source']")
        block = section.find("literal_block")
        assert source is not None and block is not None, name
        match = re.fullmatch(r"Example from (tei/\S+\.xml), line (\d+):", _text(source))
        assert match, _text(source)
        path, line = ROOT / match[1], int(match[2])
        start = re.match(r"<([\w:]+)", block.text)[1]
        assert start == name
        # The element really starts on that line of that file.
        assert re.search(rf"<{name}[\s/>]", path.read_text(encoding="utf-8").splitlines()[line - 1]), (name, path, line)
        assert block.get("language") == "xml"
        etree.fromstring(block.text.replace("…", "..."))  # a shortened example is still well-formed XML
        checked += 1
    assert checked >= 90


def test_examples_prefer_the_text_and_are_shortened(usage) -> None:
    p = usage.find("element[@ident='p']/example")
    # A paragraph of a document's text, not of a header or a register.
    assert re.search(r'<p xml:id="\w+-p\d{4}"', p.text)
    header = usage.find("element[@ident='teiHeader']/example").text
    assert header.count("\n") < 60 and "more -->" in header


def test_excerpt_keeps_markup_folds_whitespace_and_cuts_long_text() -> None:
    el = etree.fromstring(
        '<p xmlns="http://www.tei-c.org/ns/1.0" xml:id="x-p0001">A   <persName ref="#kirov">Kirov</persName>\n'
        f'      and {"word " * 40}<note place="foot" n="1"><p>a</p><p>b</p><p>c</p><p>d</p></note></p>'
    )
    text = excerpt(el)
    assert text.startswith('<p xml:id="x-p0001">A <persName ref="#kirov">Kirov</persName> and word')
    assert "…" in text and "xmlns" not in text
    assert text.count("<p>") == MAX_CHILDREN and "<!-- 1 more -->" in text


def test_every_schematron_rule_is_on_the_page_with_its_reason_message_and_advice(page, odd) -> None:
    sch = etree.parse(str(schema.SCH_PATH)).getroot()
    for cs in odd.iter(TEI + "constraintSpec"):
        ident = cs.get("ident")
        section = _section(page, f"constraint-{ident}")
        text = _text(section)
        assert _text(cs.find(TEI + "desc"))[:60] in text
        message = section.xpath(".//literal[@classes='message']")
        advice = section.xpath(".//literal[@classes='advice']")
        assert message and _text(message[0]).startswith(f"[{ident}] ")
        assert advice and len(_text(advice[0])) > 10
    asserted = {a.get("id") for a in sch.iter(SCH + "assert", SCH + "report")}
    assert asserted <= {s.get("ids").removeprefix("constraint-") for s in page.xpath("//section[starts-with(@ids, 'constraint-')]")}


def test_built_page_is_linked_from_the_landing_page(built_site: Path) -> None:
    index = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'href="front/guidelines.html"' in index and 'href="front/editors.html"' in index
    guide = (built_site / "front" / "guidelines.html").read_text(encoding="utf-8")
    assert 'id="element-persName"' in guide and 'id="constraint-footnote-sequence"' in guide
    assert "Example from" in guide and "tei/dikova.xml" in guide
