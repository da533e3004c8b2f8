"""The name and date tagger: one fixture per rule, and proof that no character changes."""

from __future__ import annotations

import copy

import pytest
from lxml import etree

from edition.annotate import name_report, suggest, tag_dates, tag_names
from edition.documents import DOCUMENTS
from edition.fidelity import source_text
from edition.registers import Registers, load_registers

NS = "http://www.tei-c.org/ns/1.0"
T = "{%s}" % NS


@pytest.fixture(scope="module")
def regs() -> Registers:
    return load_registers()


def doc(body: str) -> etree._ElementTree:
    xml = (
        f'<TEI xmlns="{NS}" n="dikova"><teiHeader><fileDesc><titleStmt><title>Kirov in 1934</title></titleStmt>'
        f"</fileDesc></teiHeader><text><body><p>{body}</p></body></text></TEI>"
    )
    return etree.fromstring(xml).getroottree()


def tagged(tree: etree._ElementTree, tag: str) -> list[tuple[str, dict[str, str]]]:
    return [(el.text, dict(el.attrib)) for el in tree.getroot().iter(T + tag)]


def test_possessive_tags_the_name_only(regs: Registers) -> None:
    for apostrophe in "‟’'":
        tree = doc(f"Kirov{apostrophe}s line")
        tag_names(tree, regs)
        assert tagged(tree, "persName") == [("Kirov", {"ref": "#kirov"})]


def test_longest_match_and_full_names(regs: Registers) -> None:
    tree = doc("Sergei Mironovich Kirov met Kirov in the Leningrad Party Committee in Leningrad, Kirov region.")
    tag_names(tree, regs)
    assert tagged(tree, "persName") == [("Sergei Mironovich Kirov", {"ref": "#kirov"}), ("Kirov", {"ref": "#kirov"})]
    assert tagged(tree, "orgName") == [("Leningrad Party Committee", {"ref": "#leningrad-party"})]
    assert tagged(tree, "placeName") == [("Leningrad", {"ref": "#leningrad"}), ("Kirov region", {"ref": "#kirov-region"})]


def test_variants_and_word_boundaries(regs: Registers) -> None:
    tree = doc("Nikolayev shot Kirov in Petrograd; Leningradskaia Pravda and Leninism are not names.")
    tag_names(tree, regs)
    assert [r["ref"] for _, r in tagged(tree, "persName")] == ["#nikolaev", "#kirov"]
    assert tagged(tree, "placeName") == [("Petrograd", {"ref": "#leningrad"})]


def test_not_inside_sic_fw_existing_names_or_header(regs: Registers) -> None:
    tree = doc(
        '<choice><sic>Cominterm</sic><corr>Comintern</corr></choice> <fw type="header">Stalin</fw> '
        '<persName ref="#stalin">Joseph Stalin</persName> <bibl>Robert Conquest, Stalin and the Kirov Murder</bibl>'
    )
    assert tag_names(tree, regs) == []
    assert [el.text for el in tree.getroot().iter(T + "persName")] == ["Joseph Stalin"]
    assert tree.getroot().find(f"{T}teiHeader//{T}persName") is None


def test_ambiguities_are_skipped_and_reported(regs: Registers) -> None:
    tree = doc("Egge, Kirov-Gåten. Old Bolsheviks and prominent Bolsheviks, but the Bolsheviks won.")
    report = name_report(tree, regs, apply=True)
    # Egge, the author of the book, is a registered person; the Kirov of the title is not Kirov.
    assert [(c.text, c.attrs["ref"]) for c in report.changes] == [("Egge", "#egge"), ("Bolsheviks", "#communist-party")]
    assert {s.text for s in report.skipped} == {"Kirov", "Bolsheviks"}
    assert len(report.skipped) == 3


def test_suggest_changes_nothing(regs: Registers) -> None:
    tree = doc("Stalin and Kirov in Moscow.")
    before = etree.tostring(tree)
    assert [(text, ident) for _, text, ident in suggest(tree, regs)] == [("Stalin", "stalin"), ("Kirov", "kirov"), ("Moscow", "moscow")]
    assert etree.tostring(tree) == before


DATES = [
    ("1 December 1934", {"when": "1934-12-01"}),
    ("December 1, 1934", {"when": "1934-12-01"}),
    ("December 1st 1934", {"when": "1934-12-01"}),
    ("1.01.1931", {"when": "1931-01-01"}),
    ("29.01.2009", {"when": "2009-01-29"}),
    ("March 1886", {"when": "1886-03"}),
    ("1917-1918", {"from": "1917", "to": "1918"}),
    ("1927/28", {"from": "1927", "to": "1928"}),
    ("1930s", {"from": "1930", "to": "1939"}),
    ("late 1920s", {"notBefore": "1926", "notAfter": "1929", "cert": "medium", "resp": "#dikova-ed"}),
    ("early 1930s", {"notBefore": "1930", "notAfter": "1933", "cert": "medium", "resp": "#dikova-ed"}),
]


@pytest.mark.parametrize(("expr", "attrs"), DATES, ids=[d[0] for d in DATES])
def test_date_forms(expr: str, attrs: dict[str, str]) -> None:
    tree = doc(f"It was {expr}, they say.")
    tag_dates(tree)
    assert tagged(tree, "date") == [(expr, attrs)]


def test_years_and_ranges_in_context() -> None:
    tree = doc("in 1934; between 1926 and 1934; From 1941 to 1945; 20,201 and 1,118; 85% ; v 1930-e gody; 32.13.1930")
    tag_dates(tree)
    assert tagged(tree, "date") == [
        ("1934", {"when": "1934"}),
        ("1926 and 1934", {"from": "1926", "to": "1934"}),
        ("1941 to 1945", {"from": "1941", "to": "1945"}),
    ]


def test_no_dates_in_numbers_page_numbers_or_footnote_numbers() -> None:
    tree = doc('<num>1934</num> <fw type="pageNum">1934</fw> <note place="foot" n="1934">see 1935</note>')
    tag_dates(tree)
    assert tagged(tree, "date") == [("1935", {"when": "1935"})]
    assert tree.getroot().find(f".//{T}note").get("n") == "1934"


def test_text_never_changes_on_fixture(regs: Registers) -> None:
    tree = doc(
        "On 1 December 1934 <lb/>Sergei Kirov‟s death in Lenin<lb break=\"no\" rend=\"hyphen\"/>grad; the "
        '<choice><sic>Rykiv</sic><corr>Rykov</corr></choice> of the 1930s<note place="foot" n="3">Kirov, 1957.</note>.'
    )
    before_src, before_str = source_text(tree), "".join(tree.getroot().find(T + "text").itertext())
    assert tag_names(tree, regs) and tag_dates(tree)
    assert source_text(tree) == before_src
    assert "".join(tree.getroot().find(T + "text").itertext()) == before_str


@pytest.mark.parametrize("document", [d for d in DOCUMENTS if d.tei_path.exists()], ids=lambda d: d.key)
def test_text_never_changes_on_real_documents(document, regs: Registers) -> None:  # type: ignore[no-untyped-def]
    """Untag a real document, tag it again: the text is the same and the names come back."""
    from edition.xmlsafe import parse_file

    tree = parse_file(document.tei_path)  # parsed copy in memory: the file is never written
    tagged = len(tree.getroot().find(T + "text").findall(".//" + T + "persName[@ref]"))
    work = copy.deepcopy(tree)
    etree.strip_tags(work.getroot().find(T + "text"), T + "persName", T + "placeName", T + "orgName")
    names, dates = tag_names(work, regs), tag_dates(work)
    assert names, "the tagger found no names in a real document"
    assert sum(1 for c in names if c.tag == "persName") >= tagged * 0.9
    assert source_text(work) == source_text(tree)
    text = lambda t: "".join(t.getroot().find(T + "text").itertext())  # noqa: E731
    assert text(work) == text(tree)
    # The edition's documents are already tagged: a second run adds nothing.
    assert tag_names(copy.deepcopy(tree), regs) == []
