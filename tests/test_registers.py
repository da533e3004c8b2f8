"""The registers: well-formed, valid TEI, unique ids, complete entries, documented dates."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from edition.documents import DOCUMENTS, TEI_DIR
from edition.registers import Registers, bibl_ids_for_note, load_registers, resolve_notes
from edition.xmlsafe import parse_file

T = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
TEI_ALL = Path("/work/shared/schema/tei_all.rng")
FILES = [TEI_DIR / f"{n}.xml" for n in ("persons", "places", "orgs", "bibliography")]
DOC_KEYS = {d.key for d in DOCUMENTS}


@pytest.fixture(scope="module")
def regs() -> Registers:
    return load_registers()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_register_file_has_edition_shape(path: Path) -> None:
    tree = parse_file(path)
    pis = [pi for pi in tree.getroot().itersiblings(preceding=True) if isinstance(pi, etree._ProcessingInstruction)]
    assert len([pi for pi in pis if pi.target == "xml-model"]) == 2
    root = tree.getroot()
    assert root.get(XML_ID) == path.stem and root.find(T + "teiHeader") is not None


@pytest.mark.skipif(not TEI_ALL.exists(), reason="tei_all.rng not available")
def test_registers_validate_against_tei_all() -> None:
    rng = etree.RelaxNG(etree.parse(str(TEI_ALL)))
    errors = {}
    for path in FILES:
        if not rng.validate(parse_file(path)):
            errors[path.name] = [str(e) for e in list(rng.error_log)[:5]]
    assert not errors


def test_ids_unique_readable_and_unprefixed() -> None:
    seen: dict[str, str] = {}
    for path in FILES:
        for el in parse_file(path).getroot().iter():
            ident = el.get(XML_ID) if isinstance(el.tag, str) else None
            if ident is None:
                continue
            assert ident not in seen, f"{ident} in {path.name} and {seen[ident]}"
            seen[ident] = path.name
            assert ident.isascii() and ident == ident.lower(), ident
            assert not any(ident.startswith(k + "-") for k in DOC_KEYS), ident
    assert {"kirov", "stalin", "leningrad", "politburo", "bib-getty1999"} <= set(seen)


def test_counts(regs: Registers) -> None:
    assert len(regs.of_kind("person")) >= 50
    assert len(regs.of_kind("place")) >= 30
    assert len(regs.of_kind("org")) >= 25
    assert len(regs.of_kind("bibl")) >= 35


def test_every_person_has_display_name_and_role(regs: Registers) -> None:
    for p in regs.of_kind("person"):
        assert p.display and p.role, p.id


def test_every_date_is_vouched_for(regs: Registers) -> None:
    """A date is either stated by a document (@source -> a document key) or carries resp+cert."""
    for e in regs.of_kind("person"):
        for d in e.dates:
            if d.source:
                assert {s.lstrip("#") for s in d.source.split()} <= DOC_KEYS, (e.id, d)
            else:
                assert d.resp and d.cert, (e.id, d)


def test_name_variants_from_the_sources(regs: Registers) -> None:
    assert {"Petrograd", "St Petersburg", "St. Petersburg"} <= set(regs["leningrad"].variants)
    assert {"Nikolaev", "Nikolayev"} <= set(regs["nikolaev"].variants)
    assert regs["kirov"].dates[0].when == "1886-03"  # stated by the dissertation


def test_variants_occur_in_the_sources(regs: Registers) -> None:
    """Variants record what the sources print: each one is found in some source text."""
    text = " ".join(" ".join(d.source_path.read_text(encoding="utf-8").split()) for d in DOCUMENTS)
    missing = [(e.id, v) for e in regs.entries.values() for v in e.variants if v not in text]
    assert not missing


def test_footnotes_resolve_to_bibliography(regs: Registers) -> None:
    notes = [
        ("3", "Boris Nicolaevsky, “The Letter of an Old Bolshevik”. In ed. J.D. Zagoria, Power and the Soviet Elite"),
        ("5", "Aleksandr Orlov, Secret History of Stalin’s Crimes. (London: Jarrolds, 1954). Anton Antonov-Ovseenko, The Time of Stalin."),
        ("130", "S.M. Kirov, Izbrannye stati i rechi, (Samizdat, 1944), 55."),
        ("131", "Ibid, 56."),
        ("248", "Oleg Khlevniuk, “Stalin, Syrtsov, Lominadze: Preparations for the “Second Great Breakthrough””, in ed. "
         "Paul R. Gregory and Norman Naimark, The Lost Politburo Transcripts, (New Haven: Yale University Press, 2008), 80."),
        ("313", "Boris Nicolaevsky, “Murder of Kirov”, in ed. J.D. Zagoria, Power and the Soviet Elite: The Letter of an Old Bolshevik"),
        ("134", "S.M. Kirov, Stati i rechi, 1957, 481."),
        ("250", "J. Arch Getty and Oleg Naumov, The Road to Terror, 1999, 15."),
    ]
    got = resolve_notes(notes, regs)
    assert got == {
        "3": ["bib-nicolaevsky1966a"],
        "5": ["bib-orlov1954", "bib-antonovovseenko1981"],
        "130": ["bib-kirov1944"],
        "131": ["bib-kirov1944"],
        "248": ["bib-khlevniuk2008"],
        "313": ["bib-nicolaevsky1966b"],
        "134": ["bib-kirov1957"],
        "250": ["bib-getty1999"],
    }
    assert bibl_ids_for_note("No citation here.", regs) == []


def test_every_surviving_footnote_text_resolves(regs: Registers) -> None:
    """Each footnote text printed at a page foot of the dissertation cites a register entry."""
    import re

    lines = DOCUMENTS[1].source_path.read_text(encoding="utf-8").split("\n")
    assert DOCUMENTS[1].key == "dikova"
    notes: list[tuple[str, str]] = []
    for i, line in enumerate(lines):
        if re.fullmatch(r" {20,}", line):
            cur = None
            for nxt in lines[i + 1 : i + 30]:
                if nxt.startswith("CHAPTER") or nxt.startswith("http"):
                    break
                if m := re.fullmatch(r"(\d{1,3})\s*", nxt):
                    cur = [m.group(1), ""]
                    notes.append(cur)  # type: ignore[arg-type]
                elif cur is not None:
                    if nxt[:1] == " " and nxt[1:2].islower() and cur[1].rstrip().endswith((".", ")")):
                        break
                    cur[1] += " " + nxt
    texts = {n: t for n, t in notes if t.strip()}
    assert len(texts) == 49  # notes 1–24, 130–135, 247–251, 311–316, 340–347
    resolved = resolve_notes(list(texts.items()), regs)
    assert [n for n, ids in resolved.items() if not ids] == []
