"""TEI from other projects, on small snippets: in-file lists, critical apparatus, line numbers."""

from __future__ import annotations

from lxml import etree

from edition.transform import transformer

HEADER = """<teiHeader><fileDesc><titleStmt><title>Snippet</title></titleStmt>
  <publicationStmt><p>Test</p></publicationStmt><sourceDesc>{source}</sourceDesc></fileDesc>{profile}</teiHeader>"""


def tei(body: str, *, source: str = "<p>Test</p>", profile: str = "", back: str = "") -> etree._ElementTree:
    text = (f'<TEI xmlns="http://www.tei-c.org/ns/1.0">{HEADER.format(source=source, profile=profile)}'
            f"<text><body>{body}</body>{back}</text></TEI>")
    return etree.ElementTree(etree.fromstring(text))


def render(tree: etree._ElementTree, reading: str = "edited") -> etree._Element:
    result = transformer().transform(tree, reading=reading, source_name="snippet.xml")
    assert not [m for m in result.messages if m.code == "render-error"], result.messages
    return etree.fromstring(result.xml.encode())


def text(e: etree._Element) -> str:
    return " ".join("".join(e.itertext()).split())


PERSONS = """<particDesc><listPerson>
  <person xml:id="p1"><persName type="full">Lelewel, Joachim</persName><birth when="1786-03-22"/>
    <death when="1861-05-29"/><occupation>Historiker</occupation><note>Polish historian.</note>
    <idno type="URI" subtype="GND">https://d-nb.info/gnd/118779362</idno></person>
</listPerson></particDesc>"""


def test_names_pointing_into_the_files_lists_link_to_a_rendered_entry() -> None:
    out = render(tei('<p><persName ref="p1">Joachim</persName>, <rs ref="#p1">he</rs>, '
                     '<persName key="p1">J. L.</persName>, <name corresp="#p1">L.</name></p>',
                     profile=f"<profileDesc>{PERSONS}</profileDesc>"))
    links = out.xpath("//reference[contains(@classes, 'entry-link')]")
    assert [(a.get("refid"), a.text) for a in links] == [("p1", "Joachim"), ("p1", "he"), ("p1", "J. L."), ("p1", "L.")]
    [entry] = out.xpath("//container[@ids='p1']")
    assert "entry" in entry.get("classes").split()
    assert text(entry).startswith("Lelewel, Joachim; born 1786-03-22; died 1861-05-29; Historiker")
    assert "Polish historian." in text(entry)
    [idno] = entry.xpath(".//reference[@refuri]")
    assert idno.get("refuri") == "https://d-nb.info/gnd/118779362" and idno.text.startswith("GND: ")
    # Such names are not links to the Kirov Edition's registers.
    assert not out.xpath("//reference[starts-with(@refuri, 'persons.html')]")


def test_a_list_in_the_back_renders_where_it_stands_with_entries() -> None:
    out = render(tei('<p>At <placeName ref="#zell">Zell</placeName>.</p>',
                     back='<back><listPlace><place xml:id="zell"><placeName>Zell am See</placeName>'
                          '<location><geo>47.3, 12.8</geo></location>'
                          '<idno type="URI">javascript:alert(1)</idno></place></listPlace></back>'))
    [entry] = out.xpath("//container[contains(@classes, 'listplace')]/container[@ids='zell']")
    assert "Zell am See" in text(entry) and "47.3, 12.8" in text(entry)
    assert not entry.xpath(".//reference")  # a script address is never a link
    assert out.xpath("//reference[@refid='zell']")[0].text == "Zell"


WITNESSES = """<listWit><witness xml:id="N" n="N"><label>N</label>—codex Neapolitanus</witness>
  <witness xml:id="A"><label>A</label>—codex Leidensis</witness><witness n="Byz">Byzantine text</witness></listWit>
  <listBibl><bibl xml:id="Markland" n="Markland">Markland, J.</bibl></listBibl>"""


def test_critical_apparatus_of_parallel_segmentation() -> None:
    body = """<lg><l n="1">Saepe <app xml:id="a1"><lem wit="#N">dura</lem><rdgGrp><rdg wit="#A">iura</rdg>
      <rdg wit="Byz">iure</rdg></rdgGrp><rdg wit="#A #N"/><note target="#r1">perhaps</note>
      <rdg xml:id="r1" source="#Markland">signa</rdg><witDetail wit="#A" target="#r1" type="corrector">a.c.</witDetail></app> timebam</l>
      <l n="2">hac <app><lem>tamen</lem><rdg wit="#N"><lacunaStart/></rdg><note>a note of the app</note></app> excepta</l></lg>"""
    out = render(tei(body, source=WITNESSES))
    [line] = out.xpath("//paragraph[contains(@classes, 'l')][reference='1']")
    assert text(line) == "1Saepe dura timebam"  # the line's number, then the lemma only
    [entry] = out.xpath("//paragraph[@ids='a1-app']")
    assert text(entry).startswith("1 dura N ] iura A, iure Byz; om. A N; signa Markland (corrector: A a.c.)")
    assert entry.xpath("reference[@classes='app-backref']/@refid") == ["a1"]
    assert [s.get("refid") for s in entry.xpath(".//reference[contains(@classes, 'siglum')]")] == ["N", "A", "A", "N", "Markland", "A"]
    # The note inside the app keeps its callout, after the reading it points to, and links back.
    [callout] = entry.xpath(".//footnote_reference")
    [note] = out.xpath(f"//footnote[@ids='{callout.get('refid')}']")
    assert note.get("backrefs") == callout.get("ids") and "perhaps" in text(note)
    second = out.xpath("//paragraph[contains(@classes, 'app-entry')]")[1]
    assert "tamen ] ⸢N lacuna begins⸣ N" in text(second) and second.xpath(".//footnote_reference")
    assert "#" not in "".join(out.xpath("//paragraph[contains(@classes, 'app-entry')]//text()"))
    # The conspectus siglorum.
    conspectus = out.xpath("//section[contains(@classes, 'file-list')][title='Witnesses (conspectus siglorum)']")[0]
    assert [c.get("ids") for c in conspectus.xpath(".//container[contains(@classes, 'witness')]")][:2] == ["N", "A"]


def test_an_app_of_whole_lines_stands_between_the_lines() -> None:
    body = """<lg><l n="7">before</l><app xml:id="b"><lem source="#Markland"><l n="8">kept one</l><l n="9">kept two</l></lem>
      <rdg wit="#A"/></app><app><rdg wit="#N"><secl><l copyOf="#l8"/></secl></rdg></app><l n="10">after</l></lg>"""
    out = render(tei(body, source=WITNESSES))
    assert [text(p) for p in out.xpath("//paragraph[contains(@classes, 'numbered-line')]")] == [
        "7before", "8kept one", "9kept two", "10after"]
    assert text(out.xpath("//paragraph[@ids='b-app']")[0]) == "↑ ll. 8–9 Markland ] om. A"


def test_verse_lines_are_numbered_citable_and_every_fifth_is_shown() -> None:
    lines = "".join(f'<l n="{n}">line {n}</l>' for n in range(1, 11))
    out = render(tei(f'<lg>{lines}</lg><lg><l n="5">again five</l><l xml:id="v" n="11a">odd</l></lg>'))
    numbers = out.xpath("//paragraph[contains(@classes, 'numbered-line')]/reference[contains(@classes, 'line-number')]")
    assert [n.text for n in numbers] == [str(n) for n in range(1, 11)] + ["5", "11a"]
    assert [n.text for n in numbers if "line-number-shown" in n.get("classes")] == ["5", "10", "5"]
    # Each number links to its own line: a citable anchor, unique even when a number recurs.
    assert [n.get("refid") for n in numbers][4:5] + [n.get("refid") for n in numbers][-2:] == ["doc-l-5", "doc-l-5-2", "v"]
    for n in numbers:
        assert n.getparent().get("ids") == n.get("refid")


def test_inscription_lines_each_on_a_line_of_their_own() -> None:
    body = ('<div type="edition"><ab><lb n="1"/>ΑΓΑΘΗ <lb n="2"/>ΤΥΧΗ<lb n="3" break="no"/>Ι</ab></div>'
            '<div type="commentary"><p>one<lb n="1"/>two</p></div>')
    out = render(tei(body))
    marks = out.xpath("//inline[contains(@classes, 'lb-numbered')]")
    assert [m.get("ids") for m in marks] == ["doc-lb-1", "doc-lb-2", "doc-lb-3", "doc-lb-1-2"]
    assert ["lb-break" in m.get("classes") for m in marks] == [True, True, True, False]
    assert text(out.xpath("//paragraph[contains(@classes, 'ab')]")[0]) == "1ΑΓΑΘΗ 2ΤΥΧΗ3Ι"
    dip = render(tei(body), reading="diplomatic")
    assert all("lb-break" in m.get("classes") for m in dip.xpath("//inline[contains(@classes, 'lb-numbered')]"))


def test_tex_formula_is_math_and_its_mathml_is_whitelisted() -> None:
    from edition.sphinxext.formulas import to_mathml

    out = render(tei(r'<p>Take <formula notation="TeX">\tfrac{3}{10}</formula> and <formula>3/10</formula>.</p>'))
    assert [m.text for m in out.xpath("//math")] == [r"\tfrac{3}{10}"]
    assert out.xpath("//literal[contains(@classes, 'formula')]")[0].text == "3/10"
    assert "<mfrac>" in to_mathml(r"\tfrac{3}{10}")
    hostile = to_mathml(r"\href{javascript:alert(1)}{x}\text{<script>alert(1)</script>}")
    assert "javascript" not in hostile and "<script" not in hostile and "href" not in hostile


def test_private_uri_is_expanded_by_the_files_prefix_definition() -> None:
    header_extra = ('<encodingDesc><listPrefixDef><prefixDef ident="bib" matchPattern="b(\\d+)" '
                    'replacementPattern="https://example.org/bibl/$1"/></listPrefixDef></encodingDesc>')
    tree = tei('<p><ptr target="bib:b0848"/> and <ref target="zot:x">unknown</ref></p>', profile=header_extra)
    result = transformer().transform(tree, source_name="snippet.xml")
    out = etree.fromstring(result.xml.encode())
    assert out.xpath("//reference[@classes='ptr']/@refuri") == ["https://example.org/bibl/0848"]
    assert [m.code for m in result.messages] == ["unsafe-link"]  # zot: has no prefixDef


def test_a_speaker_links_to_the_person_of_the_cast() -> None:
    profile = '<profileDesc><particDesc><listPerson><person xml:id="th"><persName>Theseus</persName></person>' \
              '</listPerson></particDesc></profileDesc>'
    out = render(tei('<sp who="#th"><speaker>THESEUS</speaker><l n="1">Now, fair Hippolyta</l></sp>'
                     '<sp who="#nobody"><speaker>EGEUS</speaker><p>Happy be Theseus</p></sp>', profile=profile))
    [link] = out.xpath("//paragraph[contains(@classes, 'speaker')]/reference[@classes='speaker-link']")
    assert (link.get("refid"), link.text) == ("th", "THESEUS") and out.xpath("//container[@ids='th']")
    assert text(out.xpath("//paragraph[contains(@classes, 'speaker')]")[1]) == "EGEUS"
