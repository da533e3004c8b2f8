"""Source 000 (encyclopedia-style web article "Sergei Kirov") → ``tei/article.xml``.

Structure of the source: a title line ("Sergei KirovEdit", the residue of the web
page's "Edit" link run into the title), two untitled lead paragraphs, then
sections, each a heading line followed by paragraphs; the last section, "See also",
is empty (its links were not extracted).

Encoding:

* one ``div type="article"`` whose ``head`` is the title, the "Edit" residue kept as
  ``<fw type="artefact">Edit</fw>`` inside it;
* ``div type="lead" n="0"`` for the untitled lead paragraphs (a grouping only: it has no
  ``head`` because the source has none), ``div type="section" n="1"`` … for the sections;
* "See also" is a ``div`` with its ``head`` and nothing else: tei_all allows a ``div``
  with only a heading, so nothing is invented (no ``gap``: nothing was lost *inside*
  the source text, the links were never part of it).

Citation: ``article:3.2`` = section 3, paragraph 2; ``article:0.1`` = first lead paragraph.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from edition.documents import by_key
from edition.importer.header import HeaderInfo, tei_document
from edition.importer.plaintext import (
    DATE_DECL,
    Annotator,
    EditorialNote,
    Ids,
    Mark,
    Rule,
    Writer,
    blocks,
    cite_structure,
    clean,
    tei_text,
)

KEY = "article"
#: Web-page residue at the end of the title line.
TITLE_ARTEFACT = "Edit"
#: The section headings, in source order (every other block is a paragraph).
HEADINGS: tuple[str, ...] = (
    "Early life",
    "Rise to leadership and policy role in Leningrad",
    "Assassination and immediate aftermath",
    "Legacy and historical interpretation",
    "See also",
)

#: The editors' decisions, in source order.
RULES: tuple[Rule, ...] = (
    EditorialNote(
        "(CPSU)",
        note="Anachronistic name: the party was called the Communist Party of the Soviet Union only from "
        "1952. In Kirov’s lifetime it was the Russian, from 1925 the All-Union, Communist Party "
        "(Bolsheviks). The article uses the later name throughout.",
    ),
    Mark(
        "end of the 19th century",
        before="at the ",
        attrs=(("notBefore", "1880"), ("notAfter", "1900")),
        cert="medium",
    ),
    EditorialNote(
        "11 March 1886",
        before="born on ",
        note="Doubtful date: Kirov was born on 27 March 1886 (15 March in the Julian calendar then in use "
        "in Russia); 11 March matches neither calendar.",
    ),
    Mark(
        "early 20th century",
        before="in the ",
        attrs=(("notBefore", "1900"), ("notAfter", "1920")),
        cert="medium",
    ),
    EditorialNote(
        "See Leningrad affair",
        note="The “Leningrad affair” was the purge of Leningrad’s party and state leaders in 1949–1950, "
        "long after Kirov’s death.",
    ),
)

SOURCE_BIBL = """
          <title>Sergei Kirov</title>
          <idno type="source-file">000_b93d21525b07aa24.txt</idno>
          <note>Encyclopedia-style article as extracted from a web page: the word "Edit" run into the title
            is the residue of the page's edit link, and the closing "See also" section lost its links in
            the extraction. Author, site, date and address are not stated in the source.</note>
        """


def convert(source: str) -> str:
    """The TEI document of the article."""
    title, *rest = blocks(source)
    if not title.endswith(TITLE_ARTEFACT):
        raise ValueError(f"title line without the {TITLE_ARTEFACT!r} residue: {title!r}")
    w = Writer(Annotator(KEY, Ids(KEY), RULES))
    w.open("div", "div", type="article")
    w.leaf("head", escape(title[: -len(TITLE_ARTEFACT)]) + f'<fw type="artefact">{TITLE_ARTEFACT}</fw>', "head")
    w.open("div", "div", type="lead", n="0")
    headings = iter(enumerate(HEADINGS, start=1))
    expected = next(headings, None)
    for block in map(clean, rest):
        if expected and block == expected[1]:
            w.close("div")
            w.open("div", "div", type="section", n=str(expected[0]))
            w.head(block)
            expected = next(headings, None)
        else:
            w.p(block)
    if expected:
        raise ValueError(f"heading not found: {expected[1]!r}")
    w.close("div")
    w.close("div")
    info = HeaderInfo(
        key=KEY,
        title=by_key(KEY).title,
        source_bibl=SOURCE_BIBL,
        keywords=("Sergei Kirov", "Leningrad", "Communist Party of the Soviet Union", "assassination of Kirov", "Great Purge"),
        cite_structure=cite_structure(KEY, "/TEI/text/body/div/div[@n]", block="p"),
        extra_encoding=DATE_DECL,
    )
    return tei_document(info, tei_text(w))
