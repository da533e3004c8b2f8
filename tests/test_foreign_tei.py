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
