"""Source 003 (day-in-history article "December 1, 1934") → ``tei/onthisday.xml``.

Structure of the source: a date line, a one-sentence summary, a location line
("place, country | organisation"), an image caption (the image itself was not
extracted), then headed sections of paragraphs, one of them a bulleted list.

Encoding:

* ``div type="summary" n="0"``: the date line as ``opener/dateline/date``, the summary
  ``p``, the location line as a ``p`` with ``placeName``/``orgName`` (the "|" kept as
  text), the caption as ``figure/figDesc`` with no ``graphic`` (no image or address
  exists in the source);
* ``div type="section" n="1"`` … one per heading; the source gives no hierarchy between
  the headings, so the sections are siblings;
* bullets as ``list rend="bulleted"`` with the bullet sign as ``label`` (see ``slides``).

Citation: ``onthisday:3.1`` = section 3, first paragraph or list item;
``onthisday:0.2`` = the second block of the summary.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from edition.documents import by_key
from edition.importer.header import HeaderInfo, tei_document
from edition.importer.plaintext import (
    DATE_DECL,
    Annotator,
    Correction,
    EditorialNote,
    Ids,
    Rule,
    Writer,
    blocks,
    bullet,
    cite_structure,
    clean,
    tei_text,
)

KEY = "onthisday"
#: "Moscow, Soviet Union | Communist Party of the Soviet Union"
LOCATION = re.compile(r"^(?P<place>[^,|]+), (?P<country>[^|]+?) \| (?P<org>.+)$")
#: The caption repeats the summary after these words; the image itself is absent.
CAPTION_START = "Watercolor painting"
HEADINGS: tuple[str, ...] = (
    "Stalin’s Consolidation of Power: The Five-Year Plan",
    "Context of the Soviet Industrialization",
    "Sergei Kirov’s Assassination",
    "Consequences and Aftermath",
    "Significance",
)

#: The editors' decisions, in source order. They apply to the running text, not to the
#: caption, which repeats the summary word for word (the note is given once, at the summary).
RULES: tuple[Rule, ...] = (
    EditorialNote(
        "socio-economic landscape.",
        before="intensified the changes being made in the country's ",
        note="Doubtful: no five-year plan was established on 1 December 1934, the day of Kirov’s "
        "assassination. The first Five-Year Plan was launched in 1928 (as the text says below) and "
        "the second had been in force since 1933. The caption and the first heading repeat the claim.",
    ),
    Correction("were", before="political purges and industrialization ", after=" instrumental", corr="was"),
)

SOURCE_BIBL = """
          <title>December 1, 1934</title>
          <idno type="source-file">003_ba050c2f9b3ac596.txt</idno>
          <note>A day-in-history web article on the events of 1 December 1934, headed "Stalin’s
            Consolidation of Power: The Five-Year Plan", with the caption of an illustration ("Watercolor
            painting based depiction of …") whose image is not part of the source. Author, site,
            date and address are not stated in the source.</note>
        """


def location(line: str) -> str:
    """The location line with its places and organisation tagged; every character kept."""
    m = LOCATION.match(line)
    if not m:
        raise ValueError(f"unexpected location line: {line!r}")
    return (
        f"<placeName>{escape(m['place'])}</placeName>, <placeName>{escape(m['country'])}</placeName>"
        f" | <orgName>{escape(m['org'])}</orgName>"
    )


def convert(source: str) -> str:
    """The TEI document of the day-in-history article."""
    opening, rest = blocks(source)[:4], blocks(source)[4:]
    date_line, summary, place_line, caption = map(clean, opening)
    if not caption.startswith(CAPTION_START):
        raise ValueError(f"caption not where expected: {caption[:40]!r}")
    w = Writer(Annotator(KEY, Ids(KEY), RULES))
    w.open("div", "div", type="summary", n="0")
    w.raw(f"<opener><dateline>{w.ann(date_line)}</dateline></opener>")
    w.p(summary)
    w.leaf("p", location(place_line), "p")
    w.open("figure", "fig")
    w.raw(f"<figDesc>{escape(caption)}</figDesc>")
    w.close("figure")
    headings = iter(enumerate(HEADINGS, start=1))
    expected = next(headings, None)
    for block in rest:
        lines = block.split("\n")
        entries = [bullet(line) for line in lines]
        if expected and clean(block) == expected[1]:
            w.close("div")
            w.open("div", "div", type="section", n=str(expected[0]))
            w.head(clean(block))
            expected = next(headings, None)
        elif all(entries):
            w.bullets([e for e in entries if e])
        else:
            w.p(clean(block))
    if expected:
        raise ValueError(f"heading not found: {expected[1]!r}")
    w.close("div")
    info = HeaderInfo(
        key=KEY,
        title=by_key(KEY).title,
        source_bibl=SOURCE_BIBL,
        keywords=("1 December 1934", "assassination of Kirov", "Joseph Stalin", "Five-Year Plan"),
        cite_structure=cite_structure(KEY, "/TEI/text/body/div[@n]"),
        extra_encoding=DATE_DECL,
    )
    return tei_document(info, tei_text(w))
