"""The teiHeader every draft gets: the edition's statements, filled in per source.

The importers call :func:`tei_document` to wrap the ``<text>`` they made. What is
the same for every document (publisher, licence, editorial principles, citation
structure) is written here once; what differs is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

EDITION_TITLE = "The Kirov Edition"
PUBLISHER = "The Kirov Edition"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_TEXT = (
    "The encoding, apparatus and editorial matter are licensed under Creative Commons "
    "Attribution 4.0 International (CC BY 4.0). The source texts remain the work of their authors "
    "and are reproduced for scholarly study."
)
EDITION_DATE = "2026-11-22"

PIS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<?xml-model href="schema/edition.rng" type="application/xml" '
    'schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
    '<?xml-model href="schema/edition.sch" type="application/xml" '
    'schematypens="http://purl.oclc.org/dsdl/schematron"?>\n'
)

PRINCIPLES = """\
      <editorialDecl>
        <correction status="high" method="markup">
          <p>Slips of the source (spelling, names, dates, grammar) are kept as printed inside
            <gi>sic</gi> and corrected in <gi>corr</gi> with <att>resp</att> and <att>cert</att>.
            Words the editors supply are marked with <gi>supplied</gi>. Nothing is corrected silently.</p>
        </correction>
        <normalization method="markup">
          <p>The source's characters are kept as printed. In the edited reading U+201F (‟) is shown as
            ’ and U+201E („) as ‘; the diplomatic reading shows them unchanged. Inside <gi>c</gi> no
            normalisation applies.</p>
        </normalization>
        <hyphenation eol="some">
          <p>Line-end hyphens of the PDF extraction were checked one by one. A hyphen that only
            divides a word is recorded as <tag>lb break="no" rend="hyphen"</tag> and dropped in the
            edited reading; a hyphen that belongs to a compound is kept in the text, followed by
            <tag>lb break="no"</tag>.</p>
        </hyphenation>
        <quotation marks="all">
          <p>Quotation marks are kept as printed. Block quotations are encoded as <gi>quote</gi>.</p>
        </quotation>
        <segmentation>
          <p>Paragraphs are re-joined across the line and page breaks of the source; a page break
            inside a paragraph is a <gi>pb</gi> inside the <gi>p</gi>.</p>
        </segmentation>
        <interpretation>
          <p>Persons, places, organisations and dates are tagged and point into the edition's
            registers. An identification or a date the source does not state carries
            <att>resp</att> and <att>cert</att> or <att>source</att>.</p>
        </interpretation>
      </editorialDecl>"""


@dataclass
class HeaderInfo:
    """What differs between the documents' headers."""

    key: str
    title: str  #: title of this document in the edition
    source_bibl: str  #: XML content of ``sourceDesc/bibl`` (already escaped / marked up)
    cite_structure: str  #: XML of the ``citeStructure`` element(s) inside ``refsDecl``
    languages: tuple[tuple[str, str], ...] = (("en", "English"),)
    keywords: tuple[str, ...] = ()
    #: pointer to the taxonomy the keywords come from; ``None``: chosen by the editors (``resp``)
    keyword_scheme: str | None = None
    extra_encoding: str = ""  #: extra XML inside encodingDesc (e.g. tagsDecl)
    changes: tuple[tuple[str, str], ...] = field(default_factory=tuple)  #: (date, text)


def tei_header(info: HeaderInfo) -> str:
    """Return the teiHeader of one document as XML text."""
    ed = f"{info.key}-ed"
    langs = "\n".join(f'        <language ident="{code}">{escape(name)}</language>' for code, name in info.languages)
    terms = "\n".join(f"            <term>{escape(k)}</term>" for k in info.keywords)
    source = f'scheme="{info.keyword_scheme}"' if info.keyword_scheme else f'resp="#{ed}"'
    keywords = (
        f"      <textClass>\n        <keywords {source}>\n{terms}\n        </keywords>\n      </textClass>\n"
        if info.keywords
        else ""
    )
    changes = (("2026-11-22", "First TEI draft made by the importer from the source text, then corrected by hand."),) + tuple(
        info.changes
    )
    change_xml = "\n".join(
        f'      <change when="{when}" who="#{ed}">{escape(text)}</change>' for when, text in changes
    )
    return f"""<teiHeader>
    <fileDesc>
      <titleStmt>
        <title type="main">{escape(info.title)}</title>
        <title type="sub">{EDITION_TITLE}: a digital scholarly edition</title>
        <respStmt xml:id="{ed}">
          <resp>Encoding, annotation and editorial apparatus</resp>
          <orgName>Editorial team of the Kirov Edition</orgName>
        </respStmt>
      </titleStmt>
      <publicationStmt>
        <publisher>{PUBLISHER}</publisher>
        <date when="{EDITION_DATE}">{EDITION_DATE}</date>
        <idno type="edition">kirov-edition:{info.key}</idno>
        <availability status="restricted">
          <licence target="{LICENCE_URL}">{escape(LICENCE_TEXT)}</licence>
        </availability>
      </publicationStmt>
      <sourceDesc>
        <bibl>{info.source_bibl}</bibl>
      </sourceDesc>
    </fileDesc>
    <encodingDesc>
      <projectDesc>
        <p>{EDITION_TITLE} publishes five documents about Sergei Kirov and Soviet politics in the 1920s and
          1930s as TEI, with a critical apparatus, registers and a parallel diplomatic reading.</p>
      </projectDesc>
{PRINCIPLES}
      <refsDecl>
{info.cite_structure}
      </refsDecl>{info.extra_encoding}
    </encodingDesc>
    <profileDesc>
      <langUsage>
{langs}
      </langUsage>
{keywords}    </profileDesc>
    <revisionDesc>
{change_xml}
    </revisionDesc>
  </teiHeader>"""


def tei_document(info: HeaderInfo, text_xml: str) -> str:
    """Wrap a ``<text>…</text>`` in a complete TEI document with the edition's PIs."""
    return (
        PIS
        + f'<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="{info.key}" n="{info.key}" xml:lang="en">\n  '
        + tei_header(info)
        + "\n  "
        + text_xml.strip()
        + "\n</TEI>\n"
    )
