"""The registers: well-formed, valid TEI, unique ids, complete entries, documented dates."""

from __future__ import annotations

import re
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


# --- footnote citations -> bibliography (the links in the TEI) ------------------------------

DIKOVA = TEI_DIR / "dikova.xml"
NS = {"t": "http://www.tei-c.org/ns/1.0"}
#: Entries of the bibliography that no footnote cites, with the reason they are there.
UNCITED_EXPLAINED: dict[str, str] = {}


def _footnotes_with_text() -> list[etree._Element]:
    tree = parse_file(DIKOVA)
    return [n for n in tree.iterfind(".//t:text//t:note[@place='foot']", NS) if "".join(n.itertext()).strip()]


def _citations(note: etree._Element) -> list[etree._Element]:
    return note.findall(".//t:ref[@type='bibl']", NS)


def test_every_cited_footnote_points_to_its_bibliography_entry(regs: Registers) -> None:
    notes = _footnotes_with_text()
    assert len(notes) == 49
    linked = {}
    for note in notes:
        refs = _citations(note)
        assert refs, f"{note.get(XML_ID)} cites no work"
        targets = [r.get("target") for r in refs]
        assert all(t.startswith("#") and " " not in t for t in targets), targets
        for t in targets:
            assert t[1:] in regs and regs[t[1:]].kind == "bibl", (note.get(XML_ID), t)
        linked[note.get("n")] = [t[1:] for t in targets]
    # The links in the TEI are what the resolver reads in the footnotes' text as the source
    # prints it, without the editors' readings (short forms, a second work in the same note, Ibid.).
    printed = ".//text()[not(ancestor::t:corr or ancestor::t:reg or ancestor::t:supplied or ancestor::t:note[@type='editorial'])]"
    assert linked == resolve_notes([(n.get("n"), "".join(n.xpath(printed, namespaces=NS))) for n in notes], regs)
    assert sum(len(v) for v in linked.values()) == 51
    assert linked["5"] == ["bib-orlov1954", "bib-antonovovseenko1981"]
    assert linked["15"] == ["bib-khlevniuk1996", "bib-khlevniuk2009"]
    # short forms: the full citation of note 15 and the short ones later point to one entry
    assert {n for n, ids in linked.items() if "bib-khlevniuk2009" in ids} == {"15", "19", "249", "311", "341", "345"}


def test_ibid_points_to_the_work_cited_just_before() -> None:
    previous: list[str] = []
    ibids = []
    for note in _footnotes_with_text():
        refs = _citations(note)
        if "".join(note.itertext()).lstrip().lower().startswith("ibid"):
            (ref,) = refs
            assert ref.text == "Ibid" and len(ref) == 0
            assert ref.get("target") == previous[-1], note.get(XML_ID)
            ibids.append((note.get("n"), ref.get("target")))
        previous = [r.get("target") for r in refs]
    assert ibids == [("131", "#bib-kirov1944"), ("135", "#bib-kirov1957")]


def test_citation_spans_the_work_and_leaves_the_page_outside(regs: Registers) -> None:
    notes = {n.get("n"): n for n in _footnotes_with_text()}
    (ref,) = _citations(notes["14"])
    assert "".join(ref.itertext()) == ("Alla Kirilina, Rikoshet, ili skolko chelovek bylo ubito vystrelom v Smolnom. "
                                       "(St. Petersburg: Znanie, 1993)")
    (ref,) = _citations(notes["340"])
    assert "".join(ref.itertext()) == "Alla Kirilina, Neizvestny Kirov, 2001" and ref.tail == ", 312."
    for note in notes.values():
        for ref in _citations(note):
            text, entry = "".join(ref.itertext()), regs[ref.get("target")[1:]]
            if text == "Ibid":
                continue
            assert not entry.authors or entry.authors[0].split()[-1] in text, (note.get("n"), text)
            # it ends with the year of the work (and the imprint's parenthesis), or, for a web
            # page, with its address; never with the page cited
            year = next((d.when[:4] for d in entry.dates if d.kind == "publication"), "")
            end = re.search(r"(\d{4})\)?$", text)
            if not year:
                assert text.endswith(entry.targets[-1].split("://", 1)[-1]), (note.get("n"), text)
            elif not (end and end.group(1) == year):
                # only where the year is printed inside an emendation ("1990.99." → "1990, 99.")
                assert year in "".join(ref.getnext().itertext()) and ref.getnext().tag == T + "choice", note.get("n")


def test_every_bibliography_entry_is_cited_or_explained(regs: Registers) -> None:
    cited = {r.get("target")[1:] for n in _footnotes_with_text() for r in _citations(n)}
    entries = {e.id for e in regs.of_kind("bibl")}
    assert len(entries) == 37
    assert cited <= entries
    assert entries - cited == set(UNCITED_EXPLAINED)


def test_link_citations_wraps_the_works_and_changes_no_character(regs: Registers) -> None:
    from edition.annotate import link_citations
    from edition.fidelity import source_text

    xml = (
        '<TEI xmlns="http://www.tei-c.org/ns/1.0" n="dikova"><teiHeader/><text><body><p>Text'
        '<note place="foot" n="1">Aleksandr Orlov, Secret History of <persName ref="#stalin">Stalin</persName>’s Crimes. '
        '(London: Jarrolds, <date when="1954">1954</date>). Anton Antonov-Ovseenko, The Time of Stalin. '
        '(New York: Harper and Row, 1981).</note> more'
        '<note place="foot" n="2">Ibid, 12.</note> and'
        '<note place="foot" n="3">Graeme Gill, The Origins of the Stalinist Political System, '
        '<choice><sic>1990.99.</sic><corr>1990, 99.</corr></choice></note>'
        '<note place="foot" n="4"><gap reason="not-in-source"/></note>'
        '<note place="foot" n="5">No work known here, 5.</note></p></body></text></TEI>'
    )
    tree = etree.fromstring(xml).getroottree()
    before = (source_text(tree), "".join(tree.getroot().find(T + "text").itertext()))
    changes = link_citations(tree, regs)
    assert [(c.text, c.attrs["target"]) for c in changes] == [
        ("Aleksandr Orlov, Secret History of Stalin’s Crimes. (London: Jarrolds, 1954)", "#bib-orlov1954"),
        ("Anton Antonov-Ovseenko, The Time of Stalin. (New York: Harper and Row, 1981)", "#bib-antonovovseenko1981"),
        ("Ibid", "#bib-antonovovseenko1981"),  # the work cited last before it
        ("Graeme Gill, The Origins of the Stalinist Political System", "#bib-gill1990"),  # the year is in a sic
    ]
    assert (source_text(tree), "".join(tree.getroot().find(T + "text").itertext())) == before
    first = tree.getroot().find(".//t:note", NS)
    assert [r.tail for r in first] == [". ", "."]
    assert first.find("t:ref/t:persName", NS) is not None  # markup inside the citation is kept
    assert link_citations(tree, regs) == []  # linked notes are left alone


def test_mistyped_bibliography_target_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    from edition.documents import register_paths
    from edition.validate import validate

    text = DIKOVA.read_text(encoding="utf-8")
    assert text.count('target="#bib-kirilina1993"') == 1
    copy = tmp_path / "dikova.xml"
    copy.write_text(text.replace('target="#bib-kirilina1993"', 'target="#bib-kirilina1939"')
                    .replace('target="#bib-gill1990"', 'target="#nicolaevsky"', 1), encoding="utf-8")
    report = validate([copy], context=register_paths())
    line = next(i for i, s in enumerate(copy.read_text(encoding="utf-8").splitlines(), 1) if "#bib-kirilina1939" in s)
    (problem,) = [p for p in report.problems if p.rule == "pointer"]
    assert (problem.line, problem.message) == (line, "unknown bibl #bib-kirilina1939: did you mean #bib-kirilina1993?")
    assert "tei/bibliography.xml" in problem.advice
    (kind,) = [p for p in report.problems if p.rule == "pointer-kind"]
    assert "points at a person" in kind.message and "not a bibl" in kind.message


# --- modern scholars in the personography -------------------------------------------------

#: Scholars whose views the documents discuss by name, so persons as well as authors.
SCHOLARS = ("conquest", "getty", "khlevniuk", "kirilina", "knight", "egge", "lenoe", "deutscher", "ulam",
            "cohen", "davies", "gill", "yefimov", "pipes", "tucker", "liebich", "montefiore", "daniels",
            "fitzpatrick")


def test_scholars_discussed_in_the_text_are_persons_without_invented_dates(regs: Registers) -> None:
    tagged: dict[str, int] = dict.fromkeys(SCHOLARS, 0)
    for doc in DOCUMENTS:
        for name in parse_file(doc.tei_path).iterfind(".//t:text//t:persName[@ref]", NS):
            key = name.get("ref")[1:]
            if key in tagged and not any(a.tag == T + "ref" for a in name.iterancestors()):
                tagged[key] += 1
    assert all(tagged.values()), [k for k, v in tagged.items() if not v]
    for key in SCHOLARS:
        assert regs[key].kind == "person" and regs[key].role and not regs[key].dates, key
    # an author only cited in a footnote is not tagged as a person there
    for note in _footnotes_with_text():
        for ref in _citations(note):
            assert not [p for p in ref.iter(T + "persName") if p.get("ref", "")[1:] in SCHOLARS], note.get("n")
