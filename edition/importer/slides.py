"""Source 002 (revision slides "Late Russia 1924-2000") → ``tei/slides.xml``.

Structure of the source: 34 slides, each closed by a footer line "N of 34";
the text before "1 of 34" is slide 1; the web page's chrome follows "34 of 34".
Inside a slide the first line is its heading, bullet lines (``  • ``, nested
``    • ``, once `` - ``) are lists, every other line is a paragraph.

Encoding (see also ``tei/ENCODING.md``, "Structure"):

* ``div type="slide" n="N"`` per slide, ids ``slides-div01`` … ``slides-div34`` in order;
  the footer is ``<fw type="pageNum">N of 34</fw>`` at the end of its slide;
* bullets: ``list rend="bulleted"`` of ``label`` (the bullet sign, source text) + ``item``
  pairs; a deeper bullet is a ``list`` inside the preceding ``item``. Bullets separated by
  single blank lines form one list; two blank lines end a list (slide 7 describes two
  persons in two lists);
* a line with a wide gap (5+ spaces) holds two columns: one ``p`` per column;
* slide 34 repeats slide 33: ``corresp`` to slide 33 and ``ana="#duplicate"``
  (category declared in ``classDecl``); the importer checks that the bullets are the same;
* the chrome: ``div type="chrome"`` with one ``p`` per source line holding ``fw type="artefact"``.

Citation: ``slides:27.2`` = slide 27, 2nd block (paragraph or top-level item);
``slides:4.5.1`` = 1st item of the list nested in that block.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape
from dataclasses import dataclass, field

from edition.documents import by_key
from edition.importer.header import HeaderInfo, tei_document
from edition.importer.plaintext import (
    DATE_DECL,
    Annotator,
    Correction,
    EditorialNote,
    Ids,
    Rule,
    Supplied,
    Writer,
    bullet,
    cite_structure,
    clean,
    tei_text,
)

KEY = "slides"
FOOTER = re.compile(r"^(?P<n>\d+) of (?P<total>\d+)\s*$")
COLUMN_GAP = re.compile(r"\s{5,}")
#: Web-page links run together in the chrome: "See all … »See all … »".
LINK = re.compile(r"[^»]+»")

#: Slides whose first lines are all headings: slide 1 opens with the deck's title.
HEADINGS: dict[int, tuple[str | None, ...]] = {1: ("deck", None)}
#: Slide -> the slide it repeats.
DUPLICATES: dict[int, int] = {34: 33}

#: The editors' decisions, in source order (ENCODING.md, "Source readings and editorial readings").
RULES: tuple[Rule, ...] = (
    # slide 1
    Correction("Lenins", after=" Legacy", corr="Lenin's"),
    # slide 2: the extraction ran two words together inside Lenin's words
    Correction("Stalinhas", corr="Stalin has"),
    # slide 5
    Correction("industrializations", before="greater emphasis on ", corr="industrialization"),
    # slides 7, 8, 20
    Correction("Cominterm", corr="Comintern"),
    # slide 7, second person
    EditorialNote(
        "the year before 1914",
        before="He spent ",
        note="Probably “the years before 1914”: seven escapes from Siberia cannot fall in one year. "
        "Left as printed.",
    ),
    # slide 11
    EditorialNote(
        "Born in 1883",
        after=" he was a gifted Jewish writer",
        note="Doubtful: the offices listed on this slide (chairman of the St Petersburg Soviet in 1905, "
        "Commissar for War from March 1918) are Trotsky’s, and Trotsky was born in 1879. 1883 is the "
        "year given on slide 9.",
    ),
    # slide 13
    Correction("of", before="in the towns ", after=" the form of Nepmen", corr="in"),
    # slide 14
    Correction("way", before="turning ", after=" from Lenin", corr="away"),
    # slide 15
    Correction("sees", before="Robert Conquest ", corr="see"),
    Correction("Robert. C. Tucker", corr="Robert C. Tucker"),
    # slide 16
    Correction("seen", before="S.S. Montefiore, ", corr="see"),
    # slide 18
    Correction("formed", before="(often ", after=" Tsarist", corr="former"),
    # slide 19
    Correction("communists", before="could achieve ", corr="communism"),
    Correction("Peoples'", after=" Commissars", corr="People's"),
    # slide 20
    Correction("symchka", corr="smychka"),
    # slide 21
    Supplied("the influence that", after=" increasingly had", supplied="Stalin"),
    Correction("red square", corr="Red Square"),
    # slide 23
    EditorialNote(
        "lack of political insensitivity",
        note="The double negative inverts the sense: read “lack of political sensitivity” or "
        "“political insensitivity”.",
    ),
    # slide 24
    Correction("the Germany", before="when ", corr="Germany"),
    EditorialNote(
        "In the same year in Poland.",
        note="Words seem to be missing: in May 1926 Piłsudski seized power in Poland, which the next "
        "sentence presupposes.",
    ),
    Correction("whole-scale", corr="wholesale"),
    Correction("Rykiv", corr="Rykov"),
    # slide 25
    Correction("if", before="At the end ", after=" the first wave", corr="of"),
    Correction("Peasants", after=" attempts", corr="Peasants'"),
    # slide 26
    EditorialNote(
        "This had a place in Stalin's Communist Russia.",
        note="The sense requires “no place”; the editors do not supply the word.",
    ),
    Correction("cup", after=" by hand", corr="cut"),
    # slide 28
    EditorialNote(
        "Leningrad (1921) branch",
        note="Doubtful date: Kirov headed the Azerbaijan party organisation from 1921 and the Leningrad "
        "one from 1926.",
    ),
    EditorialNote(
        "caught 2 days before",
        note="Doubtful: Nikolayev was detained near the Smolny with a revolver on 15 October 1934, about "
        "six weeks before the murder.",
    ),
    EditorialNote(
        "died 2 days later",
        note="Doubtful: Borisov died on 2 December 1934, the day after the murder.",
    ),
    Correction("Robert conquest", corr="Robert Conquest"),
    # slide 29
    Correction("soviet Union", corr="Soviet Union"),
    # slide 30
    Correction("the Kirov's", before="claimed that ", corr="Kirov's"),
    # slide 31
    EditorialNote(
        "there seemed within the party",
        note="Words are missing after “seemed” (a comparison such as “less opposition”); the editors do "
        "not supply them.",
    ),
)

DUPLICATE_CATEGORY = """
      <classDecl>
        <taxonomy xml:id="slides-taxonomy">
          <desc>Relations between slides of the deck.</desc>
          <category xml:id="duplicate">
            <catDesc>The slide repeats the content of the slide its <att>corresp</att> points to.</catDesc>
          </category>
        </taxonomy>
      </classDecl>"""

SOURCE_BIBL = """
          <title>Late Russia 1924-2000</title>
          <extent>34 slides</extent>
          <idno type="source-file">002_f055aa24c3545a26.txt</idno>
          <note>Revision slides on Soviet history, as extracted from a web page: the text after the last
            slide ("No comments have yet been made", "Similar History resources:", "See all History
            resources »") is that page's chrome. Author, site, date and address are not stated in the
            source. Images of the slides (e.g. the portraits on slides 7–11) were not extracted.</note>
        """


@dataclass
class Slide:
    """The lines of one slide, its number and its footer."""

    n: int
    footer: str
    lines: list[str] = field(default_factory=list)


def split_slides(source: str) -> tuple[list[Slide], list[str]]:
    """The slides and the chrome lines after the last footer."""
    slides: list[Slide] = []
    pending: list[str] = []
    for line in source.split("\n"):
        m = FOOTER.match(line)
        if m:
            slides.append(Slide(int(m["n"]), line.strip(), pending))
            pending = []
        else:
            pending.append(line)
    numbers = [s.n for s in slides]
    if numbers != list(range(1, len(slides) + 1)):
        raise ValueError(f"slides out of order: {numbers}")
    return slides, [line.strip() for line in pending if line.strip()]


def blocks_of(lines: list[str]) -> list[str | list[tuple[int, str, str]]]:
    """A slide body as paragraphs (str) and bullet runs (lists of entries)."""
    out: list[str | list[tuple[int, str, str]]] = []
    blanks = 0
    for line in lines:
        if not line.strip():
            blanks += 1
            continue
        entry = bullet(line)
        if entry and out and isinstance(out[-1], list) and blanks < 2:
            out[-1].append(entry)
        elif entry:
            out.append([entry])
        else:
            out.extend(clean(column) for column in COLUMN_GAP.split(line.strip()))
        blanks = 0
    return out


def write_slide(w: Writer, slide: Slide, ids_of: dict[int, str]) -> None:
    """One slide's ``div``; ``ids_of`` maps slide numbers to div ids (for ``corresp``)."""
    attrs: dict[str, str | None] = {"type": "slide", "n": str(slide.n)}
    if slide.n in DUPLICATES:
        attrs |= {"corresp": f"#{ids_of[DUPLICATES[slide.n]]}", "ana": "#duplicate"}
    ids_of[slide.n] = w.open("div", "div", **attrs) or ""
    lines = list(slide.lines)
    for head_type in HEADINGS.get(slide.n, (None,)):
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is None or bullet(lines[first]):  # slide 34 has no heading
            break
        w.head(clean(lines[first]), type=head_type)
        lines = lines[first + 1:]
    for block in blocks_of(lines):
        if isinstance(block, str):
            w.p(block)
        else:
            w.bullets(block)
    w.raw(f'<fw type="pageNum">{escape(slide.footer)}</fw>')
    w.close("div")


def check_duplicates(slides: list[Slide]) -> None:
    """A slide marked as a repeat must really repeat its original's bullets."""

    def bullets(slide: Slide) -> list[tuple[int, str, str]]:
        return [e for e in map(bullet, slide.lines) if e]

    for copy, original in DUPLICATES.items():
        if bullets(slides[copy - 1]) != bullets(slides[original - 1]):
            raise ValueError(f"slide {copy} does not repeat slide {original}")


def convert(source: str) -> str:
    """The TEI document of the slides."""
    slides, chrome = split_slides(source)
    check_duplicates(slides)
    w = Writer(Annotator(KEY, Ids(KEY), RULES))
    ids_of: dict[int, str] = {}
    for slide in slides:
        write_slide(w, slide, ids_of)
    w.open("div", "div", type="chrome")
    for line in chrome:
        w.leaf("p", "".join(f'<fw type="artefact">{escape(part)}</fw>' for part in LINK.findall(line) or [line]), "p")
    w.close("div")
    info = HeaderInfo(
        key=KEY,
        title=by_key(KEY).title,
        source_bibl=SOURCE_BIBL,
        keywords=("Soviet Union 1924-1938", "power struggle after Lenin", "Joseph Stalin", "Great Terror", "revision slides"),
        cite_structure=cite_structure(KEY, "/TEI/text/body/div[@type='slide']", nested=True),
        extra_encoding=DATE_DECL + DUPLICATE_CATEGORY,
    )
    return tei_document(info, tei_text(w))
