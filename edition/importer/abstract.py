"""Source 004 (journal-article abstract, Bakulin and Chemodanov) → ``tei/bakulin.xml``.

Structure of the source: the article's title, the authors' line, a structured
abstract whose four sections open with a run-in label ("Introduction." …), and a
"Keywords:" line.

Encoding:

* one ``div type="abstract"``: the title as ``head``, the authors' line as
  ``byline/docAuthor`` (the ", " between them kept as text); the authors also
  appear, structured, as ``author/persName`` in ``sourceDesc/bibl``;
* each abstract section a ``div type="abstractSection" n="1"`` … whose run-in label is
  its ``head rend="run-in"`` (label text exactly as printed, full stop included);
* the "Keywords:" line as a fifth ``div type="abstractSection"`` (the edition's ODD has no
  other division type for it), "Keywords:" its run-in ``head``, each keyword a ``term``
  in its ``p``; the same keywords, without their quotation marks, are listed in
  ``profileDesc/textClass/keywords`` (scheme: the ``bakulin-keywords`` taxonomy).

Citation: ``bakulin:2.1`` = section 2 ("Materials and methods."), paragraph 1; ``bakulin:5.1``
is the keywords.
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
    Ids,
    Mark,
    Rule,
    Writer,
    blocks,
    cite_structure,
    clean,
    tei_text,
)

KEY = "bakulin"
#: The run-in labels of the structured abstract, in order.
SECTIONS: tuple[str, ...] = ("Introduction.", "Materials and methods.", "Results and discussion.", "Conclusion.")
KEYWORDS_LABEL = "Keywords:"
#: Quotation marks around a keyword are the source's typography, not part of the term.
QUOTES = "“”\"'"

#: The editors' decisions, in source order.
RULES: tuple[Rule, ...] = (
    Correction("Trotskism", corr="Trotskyism"),
    Mark("first half of 1937", attrs=(("notBefore", "1937-01-01"), ("notAfter", "1937-06-30"))),
)

SOURCE_BIBL = """
          <author><persName><surname>Bakulin</surname> <forename>V. I.</forename></persName></author>
          <author><persName><surname>Chemodanov</surname> <forename>P. A.</forename></persName></author>
          <title level="a">Entering 1937: the beginning of the “Great Terror” in the Kirov region and Fight Against Trotskism</title>
          <idno type="source-file">004_b0c43996d5a7ada5.txt</idno>
          <note>Title, authors, structured abstract and keywords of a journal article (English version).
            The journal, year, volume, pages and address are not stated in the source.</note>
        """

KEYWORD_TAXONOMY = """
      <classDecl>
        <taxonomy xml:id="bakulin-keywords">
          <desc>Keywords given by the authors of the source article, as printed.</desc>
        </taxonomy>
      </classDecl>"""


def keyword_list(line: str) -> list[str]:
    """The keywords of the "Keywords:" line, as printed (quotation marks included)."""
    return [k.strip() for k in line[len(KEYWORDS_LABEL):].split(",")]


def keyword_terms(line: str) -> str:
    """The keywords after the label as inline XML, each a ``term``, the commas kept."""
    return ", ".join(f"<term>{escape(k)}</term>" for k in keyword_list(line))


def convert(source: str) -> str:
    """The TEI document of the abstract."""
    title, authors, *rest = map(clean, blocks(source))
    keywords = rest.pop()
    if not keywords.startswith(KEYWORDS_LABEL):
        raise ValueError(f"last block is not the keywords: {keywords[:40]!r}")
    if [b[: len(label)] for b, label in zip(rest, SECTIONS)] != list(SECTIONS) or len(rest) != len(SECTIONS):
        raise ValueError("the abstract's sections are not the expected ones")
    w = Writer(Annotator(KEY, Ids(KEY), RULES))
    w.open("div", "div", type="abstract")
    w.head(title)
    names = ", ".join(f"<docAuthor>{escape(name)}</docAuthor>" for name in re.split(r"(?<=\.), ", authors))
    w.raw(f"<byline>{names}</byline>")
    for n, (label, block) in enumerate(zip(SECTIONS, rest), start=1):
        w.open("div", "div", type="abstractSection", n=str(n))
        w.head(label, rend="run-in")
        w.p(block[len(label):].strip())
        w.close("div")
    w.open("div", "div", type="abstractSection", n=str(len(SECTIONS) + 1))
    w.head(KEYWORDS_LABEL, rend="run-in")
    w.leaf("p", keyword_terms(keywords), "p")
    w.close("div")
    w.close("div")
    info = HeaderInfo(
        key=KEY,
        title=by_key(KEY).title,
        source_bibl=SOURCE_BIBL,
        cite_structure=cite_structure(KEY, "/TEI/text/body/div/div[@n]", block="p"),
        keywords=tuple(k.strip(QUOTES) for k in keyword_list(keywords)),
        keyword_scheme="#bakulin-keywords",
        extra_encoding=DATE_DECL + KEYWORD_TAXONOMY,
    )
    return tei_document(info, tei_text(w))
