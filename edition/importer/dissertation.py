"""Maria Dikova's MA dissertation (source 001): PDF extraction → TEI.

The source is the text layer of a PDF, one printed line per extracted line (with
blank lines in between). What the extraction shows, and how it is read here:

* A line ending in one space is an ordinary line end; two or more trailing spaces
  end a paragraph; no trailing space means that the printed line goes on in the
  next extracted line (a footnote callout was lifted out of it).
* A footnote callout is a number on a line of its own; three callouts stayed inside
  the line (:data:`INLINE_CALLOUTS`).
* A page foot is a line of many spaces (the footnote rule), then note numbers and
  note texts; the next page starts with a line that begins with a space. Where the
  footnotes were lost, a line that begins with a space (and does not continue a
  line broken by a callout) is still the first line of a new page.
* A surviving running head ``CHAPTER n UNIVERSITY OF OSLO MARIA DIKOVA`` and the
  page number after it start a page.
* Block quotations are set in smaller type: wider lines after a line ending in a
  colon, running up to the callout of their source.

:func:`convert` reads the lines into a flat list of events (:func:`_events`),
numbers the pages (:func:`_number_pages`) and writes the TEI (:class:`_Builder`).
Every per-case decision is in a documented table below, so that running the
importer again reproduces ``tei/dikova.xml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from edition.identifiers import KINDS
from edition.importer.header import HeaderInfo, tei_document

KEY = "dikova"
ED = f"#{KEY}-ed"

#: Set to False if ``edition.fidelity`` learns to repeat ``@n`` before a note's
#: deferred text: until then the number printed at the page foot is kept as the
#: note's ``label`` (the source prints it twice: at the callout and at the foot).
LABEL_SURVIVING_NOTES = False

# --------------------------------------------------------------------------- decision tables

#: Callouts that the extraction left inside a text line: line number -> note number.
INLINE_CALLOUTS: dict[int, int] = {1507: 56, 1580: 61, 2991: 146}

#: Lines that begin with a space but do not start a page.
NOT_PAGE_STARTS: dict[int, str] = {
    140: "follows the transliteration table on the same page (notes 1 and 2 share one page foot)",
    5696: "section heading in mid-page: page 78 would have only 25 lines and the next page 11; without "
    "this break page 78 runs to line 5717 (36 lines) and the count from page 78 to page 84 holds",
}

#: The two tables, as line ranges of the source (first, last), both inclusive.
TRANSLIT_TABLE = (60, 138)
COLLECTIVISATION_TABLE = (3797, 3814)

#: Upper-case lines right after a chapter title that are the chapter's subtitle
#: (the other upper-case lines are section headings).
CHAPTER_SUBTITLES: frozenset[int] = frozenset({1201, 1838, 2746, 4165, 6326})
#: Line 163 ("MYSTERIES AROUND KIROV'S LIFE AND DEATH") follows the title of
#: chapter 1 but is read as its first section heading: it names a topic like the
#: chapter's other sections, whereas the subtitles of chapters 2-6 characterise
#: the whole chapter ("SERGEI KIROV: …", "THE RIGHT DEVIATION, …").

#: Line-end hyphens, checked one by one: source line -> "compound" (the hyphen is
#: part of the word and stays) or "soft" (it only divides the word). The evidence
#: is the form used elsewhere in the text or in the same note.
HYPHENS: dict[int, tuple[str, str]] = {
    254: ("compound", "de-Stalinisation: prefix compound (cf. 'pre-revolutionary', 'counter-revolutionary')"),
    614: ("compound", "src-home: host name of the URL (the hyperlink residue reads 'src-home')"),
    3163: ("compound", "self-criticism: 'self-criticism' occurs 6 times elsewhere"),
    3324: ("compound", "self-criticism: as above"),
    3837: ("compound", "socio-economic: prefix compound, never written solid in the text"),
    3955: ("compound", "thirty-seven: compound numeral (cf. 'twenty-eight', 'forty-two')"),
    4260: ("compound", "seven-page: compound adjective"),
    4283: ("compound", "counter-revolutionary: written so 5 times elsewhere"),
    6569: ("compound", "pre-revolutionary: written so 6 times elsewhere"),
}

#: Slips of the source, corrected with sic/corr: line -> (printed, corrected).
CORRECTIONS: dict[int, tuple[str, str]] = {
    183: ("was presumably", "presumably"),  # "Stalin was presumably felt threatened"
    2711: ("1990.99.", "1990, 99."),  # note 132: page reference run into the year
}

#: Misprinted date in the header row of Table 1: printed -> ISO date, corrected.
TABLE_DATE_SLIPS: dict[str, tuple[str, str]] = {"1.10.1034": ("1934-10-01", "1.10.1934")}

#: Paragraph ends that the rules below miss or mis-read: line -> True (ends a
#: paragraph) / False (does not).
PARAGRAPH_END_OVERRIDES: dict[int, bool] = {
    4052: False,  # "Stalin's infamous speech" + two spaces: the sentence goes on ("Dizzy with Success", …)
}

#: A printed line that ends a sentence ends its paragraph if the first word of
#: the next line would have fitted on it: the line plus a space plus that word is
#: shorter than this. (Inside paragraphs that sum is never below 87 characters.)
FIT_WIDTH = 86
SENTENCE_END = re.compile(r"[.?!”‟\"]\)?$|\)\.?$")

#: Block quotations are printed in smaller type: their lines reach this width.
QUOTE_WIDTH = 95

RUNNING_HEAD = re.compile(r"^CHAPTER (\d) UNIVERSITY OF OSLO MARIA DIKOVA$")
CHAPTER = re.compile(r"^CHAPTER (\d): (.+)$")
URL_LINE = re.compile(r"^https?://\S+$")
CYRILLIC = re.compile(r"[\u0400-\u04FF]+")


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class Line:
    """One non-empty line of the source."""

    no: int
    raw: str

    @property
    def text(self) -> str:
        return self.raw.strip(" ")

    @property
    def lead(self) -> bool:
        return self.raw.startswith(" ")

    @property
    def trail(self) -> int:
        return len(self.raw) - len(self.raw.rstrip(" "))

    @property
    def kind(self) -> str:
        t = self.text
        if not t:
            return "rule" if len(self.raw) >= 20 else "space"
        if t.isdigit():
            return "num"
        if RUNNING_HEAD.match(t):
            return "runhead"
        if CHAPTER.match(t):
            return "chapter"
        if re.search(r"[A-Z]{3}", t) and not re.search(r"[a-z]", t) and not t.startswith(","):
            return "caps"
        return "text"


def _lines(source: str) -> list[Line]:
    return [Line(i, raw) for i, raw in enumerate(source.split("\n"), 1) if raw != ""]


# --------------------------------------------------------------------------- events


@dataclass
class Ev:
    """One thing the extraction shows, in source order."""

    kind: str  # page fw text eol parend callout head quote table
    text: str = ""
    n: int | None = None
    line: int = 0
    extra: dict = field(default_factory=dict)


def _footnote_block(lines: list[Line], i: int) -> tuple[dict[int, list[Line]], list[Line], int]:
    """Read a page foot from the rule at ``lines[i]``: (notes, residue lines, next index)."""
    notes: dict[int, list[Line]] = {}
    residue: list[Line] = []
    current: int | None = None
    after_number = False
    i += 1
    while i < len(lines):
        ln = lines[i]
        kind = ln.kind
        if kind == "num":
            current, after_number = int(ln.text), True
            notes[current] = []
        elif kind == "space":
            pass
        elif kind == "runhead":
            break
        elif URL_LINE.match(ln.text) and ln.trail == 0 and not after_number:
            residue.append(ln)  # hyperlink residue of the PDF
        elif after_number or (not ln.lead and current is not None and not residue):
            notes[current].append(ln)
            after_number = False
        else:
            break  # a line beginning with a space: the next page
        i += 1
    return notes, residue, i


def _continues(prev: Line | None) -> bool:
    """Whether the printed line of ``prev`` goes on in the next extracted line."""
    if prev is None:
        return False
    return prev.kind in ("num", "space") or (prev.kind in ("text", "caps") and prev.trail == 0)


def _quote_lines(lines: list[Line], i: int) -> int | None:
    """If a block quotation starts at ``lines[i]``, return the index of its callout."""
    first = lines[i]
    if first.kind != "text" or not first.text[:1].isupper():
        return None
    j = i
    while j < len(lines) and lines[j].kind == "text":
        j += 1
    if j >= len(lines) or lines[j].kind != "num" or j - i > 12:
        return None
    if max(len(ln.text) for ln in lines[i:j]) < QUOTE_WIDTH:
        return None
    return j


def _events(lines: list[Line]) -> list[Ev]:
    """Turn the source lines into events (see the module docstring for the rules)."""
    out: list[Ev] = []
    i = 0
    prev: Line | None = None
    in_front = True
    in_quote = False
    paged = False  # a page has just been started by a page foot or a running head
    while i < len(lines):
        ln = lines[i]
        kind = ln.kind
        # --- special regions
        if ln.no == TRANSLIT_TABLE[0] or ln.no == COLLECTIVISATION_TABLE[0]:
            last = TRANSLIT_TABLE[1] if ln.no == TRANSLIT_TABLE[0] else COLLECTIVISATION_TABLE[1]
            j = i
            while lines[j].no <= last:
                j += 1
            out.append(Ev("parend"))
            out.append(Ev("table", line=ln.no, extra={"lines": lines[i:j]}))
            out.append(Ev("parend"))
            prev, i = lines[j - 1], j
            continue
        # --- page starts
        if kind == "rule":
            notes, residue, j = _footnote_block(lines, i)
            out.append(Ev("footblock", line=ln.no, extra={"notes": notes}))
            out.append(Ev("page", line=lines[j].no if j < len(lines) else ln.no, extra={"why": "foot"}))
            for r in residue:
                out.append(Ev("fw", text=r.text, line=r.no, extra={"type": "artefact"}))
            if j < len(lines) and lines[j].kind == "runhead":
                j = _running_head(lines, j, out)
            prev, paged = None, True
            i = j
            continue
        if kind == "runhead":
            out.append(Ev("page", line=ln.no, extra={"why": "head"}))
            i = _running_head(lines, i, out)
            prev, paged = None, True
            continue
        if (
            ln.lead
            and kind in ("text", "caps", "chapter")
            and not _continues(prev)
            and ln.no not in NOT_PAGE_STARTS
            and not paged
        ):
            out.append(Ev("page", line=ln.no, extra={"why": "indent" if i else "start"}))
        if kind != "space":
            paged = False
        # --- structure
        if kind == "chapter":
            m = CHAPTER.match(ln.text)
            assert m
            in_front = False
            out.append(Ev("parend"))
            out.append(Ev("head", text=ln.text, n=int(m[1]), line=ln.no, extra={"type": "chapter"}))
            prev, i = ln, i + 1
            continue
        if kind == "caps" and not in_quote:
            htype = "front" if in_front else ("subtitle" if ln.no in CHAPTER_SUBTITLES else "section")
            out.append(Ev("parend"))
            out.append(Ev("head", text=ln.text, line=ln.no, extra={"type": htype}))
            # a heading broken by a callout goes on after it ("PRAVDA" 158 "ABOUT LENINGRAD")
            while ln.trail == 0 and i + 2 < len(lines) and lines[i + 1].kind == "num" and lines[i + 2].kind == "caps":
                out.append(Ev("callout", n=int(lines[i + 1].text), line=lines[i + 1].no))
                i += 2
                ln = lines[i]
                out.append(Ev("headmore", text=ln.text, line=ln.no))
            out.append(Ev("headend"))
            prev, i = ln, i + 1
            continue
        if kind == "num":
            out.append(Ev("callout", n=int(ln.text), line=ln.no))
            if in_quote:
                out.append(Ev("quoteend"))
                out.append(Ev("parend"))
                in_quote = False
            prev, i = ln, i + 1
            continue
        if kind == "space":
            # after a callout the space ends the printed line; after text cut short
            # (no trailing space) it is a space inside the printed line
            out.append(Ev("eol" if prev is not None and prev.kind == "num" else "space", line=ln.no))
            if ln.trail >= 2:
                out.append(Ev("parend", line=ln.no))
            prev, i = ln, i + 1
            continue
        # --- a text line
        if not in_quote and prev is not None and prev.text.endswith(":") and _quote_lines(lines, i) is not None:
            out.append(Ev("parend"))
            out.append(Ev("quote", line=ln.no))
            in_quote = True
        parts = _split_inline(ln)
        for part in parts:
            out.append(part)
        if ln.trail > 0:
            # a space before a callout on a line of its own does not end the printed line (line 4668)
            before_callout = i + 1 < len(lines) and lines[i + 1].kind == "num"
            out.append(Ev("space" if before_callout and ln.trail == 1 else "eol", line=ln.no))
            if ln.trail >= 2 and not in_quote and PARAGRAPH_END_OVERRIDES.get(ln.no, True):
                out.append(Ev("parend", line=ln.no))
        prev, i = ln, i + 1
    out.append(Ev("parend"))
    return out


def _running_head(lines: list[Line], i: int, out: list[Ev]) -> int:
    """Emit the running head at ``lines[i]`` and the page number after it."""
    out.append(Ev("fw", text=lines[i].text, line=lines[i].no, extra={"type": "header"}))
    i += 1
    if i < len(lines) and lines[i].kind == "num":
        out.append(Ev("fw", text=lines[i].text, line=lines[i].no, extra={"type": "pageNum"}))
        for ev in reversed(out):
            if ev.kind == "page":
                ev.n = int(lines[i].text)
                break
        i += 1
    return i


def _split_inline(ln: Line) -> list[Ev]:
    """A text line as text events, with the callouts that stayed inside it."""
    n = INLINE_CALLOUTS.get(ln.no)
    text = ln.text
    if n is None:
        return [Ev("text", text=text, line=ln.no, extra={"lead": ln.lead})]
    m = re.search(rf"(?<=\S)\s?{n}(?=\s|$)", text)
    assert m, (ln.no, n)
    before, after = text[: m.start()], text[m.end():]
    evs = [Ev("text", text=before, line=ln.no, extra={"lead": ln.lead}), Ev("callout", n=n, line=ln.no)]
    if after.strip():
        evs.append(Ev("text", text=after.strip(), line=ln.no, extra={"lead": True}))
    return evs


# --------------------------------------------------------------------------- paragraph ends


def _short_line_ends(events: list[Ev]) -> None:
    """Mark paragraph ends shown only by a short last line (one trailing space).

    The printed line is rebuilt from its segments (callouts and single-space lines
    split it). If it ends a sentence, the next text begins with a capital, and
    that next word would have fitted on the line (:data:`FIT_WIDTH`), the
    paragraph ends there.
    """
    segment: list[str] = []
    k = 0
    while k < len(events):
        ev = events[k]
        if ev.kind == "text":
            segment.append(ev.text)
        elif ev.kind in ("page", "head", "table", "quote", "footblock"):
            segment = []
        elif ev.kind == "eol":
            printed = " ".join(segment)
            segment = []
            nxt = next((e for e in events[k + 1:] if e.kind in ("text", "head", "parend", "table", "quote")), None)
            decided = PARAGRAPH_END_OVERRIDES.get(ev.line)
            if decided is None:
                decided = (
                    nxt is not None
                    and nxt.kind == "text"
                    and len(printed) + 1 + len(nxt.text.split()[0]) < FIT_WIDTH
                    and bool(SENTENCE_END.search(printed))
                    and nxt.text[:1].isupper()
                )
            if decided and not (k + 1 < len(events) and events[k + 1].kind == "parend"):
                events.insert(k + 1, Ev("parend", line=ev.line, extra={"why": "short"}))
        k += 1


# --------------------------------------------------------------------------- pages


def _number_pages(events: list[Ev]) -> dict[str, int]:
    """Give the pages without a surviving number an inferred one where the count allows.

    Between two surviving numbers a and b, k pages apart: if k == b - a, each page
    gets its number with ``cert="medium"``. Before the first surviving number, the
    count is carried back to the first page of chapter 1 only if it makes that page
    page 1 (``cert="low"``). Elsewhere the ``pb`` has no number.
    """
    pages = [e for e in events if e.kind == "page"]
    first_body = next(i for i, e in enumerate(pages) if _page_opens_chapter(events, e))
    anchors = [(i, p.n) for i, p in enumerate(pages) if p.n is not None]
    counts = {"certain": len(anchors), "medium": 0, "low": 0, "unknown": 0}
    for (i, a), (j, b) in zip(anchors, anchors[1:]):
        if j - i == b - a:
            for k in range(i + 1, j):
                pages[k].n, pages[k].extra["cert"] = a + (k - i), "medium"
                counts["medium"] += 1
    if anchors:
        i0, n0 = anchors[0]
        if i0 - first_body == n0 - 1:
            for k in range(first_body, i0):
                pages[k].n, pages[k].extra["cert"] = n0 - (i0 - k), "low"
                counts["low"] += 1
    counts["unknown"] = sum(1 for p in pages if p.n is None)
    return counts


def _page_opens_chapter(events: list[Ev], page: Ev) -> bool:
    k = events.index(page)
    nxt = next((e for e in events[k + 1:] if e.kind not in ("fw", "parend")), None)
    return nxt is not None and nxt.kind == "head" and nxt.extra.get("type") == "chapter"


# --------------------------------------------------------------------------- XML


def _x(text: str) -> str:
    return escape(text)


@dataclass
class Stats:
    """What the conversion counted (for the report and the tests)."""

    hyphens: dict[str, int] = field(default_factory=lambda: {"soft": 0, "compound": 0})
    notes_with_text: int = 0
    notes_missing: int = 0
    pages: dict[str, int] = field(default_factory=dict)
    paragraphs: int = 0


class _Builder:
    """Writes the TEI ``text`` from the events, one block element per line."""

    def __init__(self, notes: dict[int, list[Line]], stats: Stats) -> None:
        self.notes = notes
        self.stats = stats
        self.counters: dict[str, int] = {}
        self.out: list[str] = []
        self.depth = 2
        self.open_divs: list[str] = []  # "front-div", "chapter", "section"
        self.inline: list[str] | None = None  # the open paragraph or head
        self.inline_kind = ""
        self.pending: list[str] = []  # pb / fw waiting for the next text
        self.join = ""  # what goes between the last inline piece and the next text
        self.para_n = 0
        self.in_quote = False

    # ids
    def new_id(self, element: str) -> str:
        kind, width = KINDS[element]
        n = self.counters.get(kind, 0) + 1
        self.counters[kind] = n
        return f"{KEY}-{kind}{n:0{width}d}"

    # layout
    def line(self, xml: str) -> None:
        self.out.append("  " * self.depth + xml)

    def open(self, xml: str) -> None:
        self.line(xml)
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.line(f"</{tag}>")

    # inline containers
    def start_p(self) -> None:
        attrs = f' xml:id="{self.new_id("p")}"'
        if self.open_divs and self.open_divs[-1] == "section" and not self.in_quote:
            self.para_n += 1
            attrs += f' n="{self.para_n}"'
        if not self.in_quote:
            self.stats.paragraphs += 1
        self.inline, self.inline_kind, self.join = [f"<p{attrs}>"], "p", ""

    def end_inline(self) -> None:
        if self.inline is None:
            return
        self.line("".join(self.inline) + f"</{self.inline_kind}>")
        self.inline = None

    def flush_pending_block(self) -> None:
        for xml in self.pending:
            self.line(xml)
        self.pending = []

    def add_inline(self, xml: str, *, lead: bool, is_text: bool = True) -> None:
        """Append escaped ``xml`` to the open paragraph or head (opening a paragraph if none).

        Page breaks and running heads waiting in :attr:`pending` go in first: inside
        the paragraph if it goes on over the page.
        """
        if self.inline is None:
            self.flush_pending_block()
            self.start_p()
        assert self.inline is not None
        sep = {"callout": " " if lead else "", "hyphen": ""}.get(self.join, self.join)
        if self.pending:
            self.inline.append(sep + "".join(self.pending))
            sep = ""
            self.pending = []
        self.inline.append((sep if is_text else "") + xml)
        self.join = ""

    # divisions
    def close_divs(self, down_to: int) -> None:
        self.end_inline()
        while len(self.open_divs) > down_to:
            self.open_divs.pop()
            self.close("div")

    def open_div(self, dtype: str, n: str | None, role: str) -> None:
        self.flush_pending_block()
        attrs = f' type="{dtype}"' + (f' n="{n}"' if n else "")
        self.open(f'<div xml:id="{self.new_id("div")}"{attrs}>')
        self.open_divs.append(role)
        if role == "section":
            self.para_n = 0

    # notes
    def note(self, n: int) -> str:
        ident = f"{KEY}-fn{n:03d}"
        lines = self.notes.get(n)
        if not lines:
            self.stats.notes_missing += 1
            return f'<note place="foot" n="{n}" xml:id="{ident}"><gap reason="not-in-source"/></note>'
        self.stats.notes_with_text += 1
        label = f"<label>{n}</label>" if LABEL_SURVIVING_NOTES else ""
        return f'<note place="foot" n="{n}" xml:id="{ident}">{label}{self.joined(lines)}</note>'

    def joined(self, lines: list[Line]) -> str:
        """Note text: lines joined, line-end hyphens recorded on ``lb``."""
        pieces: list[str] = []
        for k, ln in enumerate(lines):
            if k + 1 < len(lines) and ln.text.endswith("-"):
                pieces.append(_corrected(ln.text[:-1], ln.no) + self.hyphen(ln.no))
            else:
                pieces.append(_corrected(ln.text, ln.no) + ("" if k + 1 == len(lines) else " "))
        return "".join(pieces)

    def hyphen(self, line: int) -> str:
        """The line-end hyphen of source line ``line`` as markup (the hyphen itself included)."""
        decision, _why = HYPHENS[line]
        self.stats.hyphens[decision] += 1
        if decision == "compound":
            return '-<lb break="no"/>'
        return '<lb break="no" rend="hyphen"/>'

    def xml(self) -> str:
        return "\n".join(self.out)


def _corrected(text: str, line: int) -> str:
    """Escape ``text`` and mark the slip listed for ``line`` in :data:`CORRECTIONS`."""
    slip = CORRECTIONS.get(line)
    if slip is None:
        return _x(text)
    sic, corr = slip
    assert sic in text, (line, sic)
    before, after = text.split(sic, 1)
    return (
        _x(before)
        + f'<choice><sic>{_x(sic)}</sic><corr resp="{ED}" cert="high">{_x(corr)}</corr></choice>'
        + _x(after)
    )


def _ru(text: str) -> str:
    """Escape ``text`` and mark its Cyrillic words as Russian."""
    out, last = [], 0
    for m in CYRILLIC.finditer(text):
        out.append(_x(text[last:m.start()]) + f'<foreign xml:lang="ru">{m[0]}</foreign>')
        last = m.end()
    return "".join(out) + _x(text[last:])


# --------------------------------------------------------------------------- tables


def _translit_table(b: _Builder, lines: list[Line]) -> None:
    """The Cyrillic / LOC / thesis transliteration table (label row + one row a letter)."""
    head = [ln.text for ln in lines[:4]]
    assert head == ["Cyrillic Alphabet LOC", "Romanisation", "Thesis", "Romanisation"], head
    b.open(f'<table xml:id="{b.new_id("table")}" n="transliteration" rows="{len(lines) - 3}" cols="3">')
    b.line(
        f'<row xml:id="{b.new_id("row")}" role="label"><cell>Cyrillic Alphabet</cell>'
        "<cell>LOC Romanisation</cell><cell>Thesis Romanisation</cell></row>"
    )
    for ln in lines[4:]:
        t = ln.text
        m = re.match(r"^(\S+(?: final position)?) (\S+) (.+)$", t)
        assert m, t
        cells = []
        for c in m.groups():
            if c in ("‟‟", "„"):
                cells.append(f"<c>{c}</c>")
            else:
                cells.append(_ru(c))
        b.line(f'<row xml:id="{b.new_id("row")}">' + "".join(f"<cell>{c}</cell>" for c in cells) + "</row>")
    b.close("table")


def _num(token: str, decimal: bool) -> str:
    value = token if decimal else token.replace(".", "")
    return f'<num value="{value}">{token}</num>'


def _date(token: str) -> str:
    if token in TABLE_DATE_SLIPS:
        iso, corr = TABLE_DATE_SLIPS[token]
        return (
            f'<date when="{iso}"><choice><sic>{token}</sic>'
            f'<corr resp="{ED}" cert="high">{corr}</corr></choice></date>'
        )
    d, m, y = token.split(".")
    return f'<date when="{y}-{int(m):02d}-{int(d):02d}">{token}</date>'


def _collectivisation_table(b: _Builder, lines: list[Line]) -> None:
    """Table 1: a label row of dates, two data rows with a label column, the caption below."""
    texts = [ln.text for ln in lines]
    assert texts[1:4] == ["Number of", "collectivised", "farms"] and texts[5:7] == ["%", "collectivisation"], texts
    b.open(f'<table xml:id="{b.new_id("table")}" n="1" rows="3" cols="6">')
    dates = "".join(f"<cell>{_date(t)}</cell>" for t in texts[0].split())
    b.line(f'<row xml:id="{b.new_id("row")}" role="label"><cell/>{dates}</row>')
    farms = "".join(f"<cell>{_num(t, False)}</cell>" for t in texts[4].split())
    b.line(f'<row xml:id="{b.new_id("row")}"><cell role="label">Number of collectivised farms</cell>{farms}</row>')
    share = "".join(f"<cell>{_num(t, True)}</cell>" for t in texts[7].split())
    b.line(f'<row xml:id="{b.new_id("row")}"><cell role="label">% collectivisation</cell>{share}</row>')
    # The caption is printed below the table; a head would have to come first and
    # so break the source order, so it is the table's trailer.
    assert texts[8].startswith("Table 1:") and lines[9].kind == "num"
    b.line(f"<trailer>{_x(texts[8])}{b.note(int(texts[9]))}</trailer>")
    b.close("table")


# --------------------------------------------------------------------------- assembly


def _build(events: list[Ev], notes: dict[int, list[Line]], stats: Stats) -> str:
    """Lay the events out as the TEI ``text``."""
    b = _Builder(notes, stats)
    b.open("<text>")
    b.open("<front>")
    sections = 0
    for ev in events:
        kind = ev.kind
        if kind == "page":
            cert = ev.extra.get("cert")
            attrs = f' n="{ev.n}"' if ev.n is not None else ""
            if cert:
                attrs += f' cert="{cert}" resp="{ED}"'
            b.pending.append(f"<pb{attrs}/>")
        elif kind == "fw":
            b.pending.append(f'<fw type="{ev.extra["type"]}">{_x(ev.text)}</fw>')
        elif kind in ("text", "callout", "quote", "table") and b.open_divs[-1:] == ["chapter"]:
            sections += 1  # chapter 6 has no section headings: one unheaded section
            b.open_div("section", str(sections), "section")
        if kind == "text":
            hyphen = ev.line in HYPHENS and ev.text.endswith("-")
            piece = _corrected(ev.text[:-1] if hyphen else ev.text, ev.line)
            b.add_inline(piece, lead=ev.extra.get("lead", False))
            if hyphen:
                b.inline.append(b.hyphen(ev.line))
                b.join = "hyphen"
        elif kind == "eol":
            b.join = "" if b.join == "hyphen" else " "
        elif kind == "space":
            b.join = " "
        elif kind == "callout":
            b.add_inline(b.note(ev.n or 0), lead=False, is_text=False)
            b.join = "callout"
        elif kind == "parend":
            if b.inline_kind == "p":
                b.end_inline()
        elif kind == "head":
            htype = ev.extra["type"]
            b.end_inline()
            if htype == "front":
                b.close_divs(0)
                b.open_div("abstract" if ev.text == "ABSTRACT" else "transliteration", None, "front-div")
            elif htype == "chapter":
                b.close_divs(0)
                if ev.n == 1:
                    b.close("front")
                    b.open("<body>")
                b.open_div("chapter", str(ev.n), "chapter")
                sections = 0
            elif htype == "section":
                b.close_divs(1)
                sections += 1
                b.open_div("section", str(sections), "section")
            b.flush_pending_block()
            sub = ' type="sub"' if htype == "subtitle" else ""
            b.inline, b.inline_kind, b.join = [f'<head xml:id="{b.new_id("head")}"{sub}>{_x(ev.text)}'], "head", ""
            if htype == "chapter":
                b.end_inline()
        elif kind == "headmore":
            b.add_inline(_x(ev.text), lead=True)
        elif kind == "headend":
            b.end_inline()
        elif kind == "quote":
            b.end_inline()
            b.flush_pending_block()
            b.open(f'<quote xml:id="{b.new_id("quote")}">')
            b.in_quote = True
        elif kind == "quoteend":
            b.end_inline()
            b.close("quote")
            b.in_quote = False
        elif kind == "table":
            b.end_inline()
            b.flush_pending_block()
            if ev.line == TRANSLIT_TABLE[0]:
                _translit_table(b, ev.extra["lines"])
            else:
                _collectivisation_table(b, ev.extra["lines"])
    b.end_inline()
    b.flush_pending_block()
    b.close_divs(0)
    b.close("body")
    b.close("text")
    return b.xml()


# --------------------------------------------------------------------------- header

CITE_STRUCTURE = """\
        <citeStructure unit="paragraph" match="/TEI/text/front/div/p" use="position()" delim="dikova:front."/>
        <citeStructure unit="chapter" match="/TEI/text/body/div[@type='chapter']" use="@n" delim="dikova:">
          <citeStructure unit="section" match="div[@type='section']" use="@n" delim=".">
            <citeStructure unit="paragraph" match="p" use="@n" delim="."/>
            <citeStructure unit="quotation" match="quote/p" delim="."
              use="concat(sum(../preceding-sibling::p[@n][1]/@n), '.q', count(../preceding-sibling::quote) - count(../preceding-sibling::p[@n][1]/preceding-sibling::quote) + 1)"/>
          </citeStructure>
        </citeStructure>"""

SOURCE_BIBL = (
    '<author>Maria Dikova</author>, <title type="desc">Master of Arts dissertation on Sergei Kirov '
    "(the title page is not in the extracted text)</title>, "
    '<orgName>University of Oslo</orgName>, <date when="2010" cert="high" resp="#dikova-ed">2010</date>. '
    '<note type="dating" resp="#dikova-ed">Year inferred: the latest dates the text gives are web pages '
    "visited on 12 and 16 April 2010, and it calls a book due at the end of May 2010 forthcoming.</note> "
    '<note type="source">Text layer of the PDF, as extracted (tei/sources/001_3b636ce1ed6aba42.txt).</note>'
)


def _extra_encoding(pages: dict[str, int]) -> str:
    return f"""
      <editorialDecl n="dikova-extraction">
        <p>Pages. The extraction keeps a page break where a footnote block ends (a rule of spaces, note
          numbers and texts, then a line beginning with a space), where a running head survives, and, where the
          page's footnotes were lost, at a line beginning with a space that does not continue a line broken by a
          callout. Every such break is a <gi>pb</gi>. The {pages["certain"]} page numbers printed after surviving
          running heads are certain. Between two of them, when the number of page breaks found equals the
          difference of the numbers, the pages in between are numbered by counting
          (<att>cert</att>="medium", {pages["medium"]} pages). Before the first printed number the count is carried
          back only to the first page of chapter 1, which it makes page 1 (<att>cert</att>="low", {pages["low"]}
          pages). The other {pages["unknown"]} page breaks have no number.</p>
        <p>Footnotes. Each callout is a <tag>note place="foot"</tag> at its position. Where the page's footnote
          block survives, the note holds its text, with the number printed at the page foot as
          <gi>label</gi>; where it was lost, the note holds only <tag>gap reason="not-in-source"</tag>.
          Hyperlink residue printed after a footnote block is <tag>fw type="artefact"</tag>, right after the
          following <gi>pb</gi>.</p>
        <p>Paragraphs. A line ending in two or more spaces ends a paragraph, and so does a line that
          the next word would have fitted on (the line, a space and that word shorter than {FIT_WIDTH}
          characters) when it ends a sentence and the next begins with a capital. Block quotations (smaller type: wider
          lines after a colon, up to their callout) are <gi>quote</gi>.</p>
      </editorialDecl>
      <listPrefixDef>
        <prefixDef ident="dikova" matchPattern="([0-9]+)\\.([0-9]+)\\.([0-9]+)"
          replacementPattern="#xpath(//body/div[@type='chapter'][@n='$1']/div[@type='section'][@n='$2']/p[@n='$3'])">
          <p>Citation of a paragraph as chapter.section.paragraph, e.g. dikova:4.3.12.</p>
        </prefixDef>
        <prefixDef ident="dikova" matchPattern="front\\.([0-9]+)" replacementPattern="#xpath((//front/div/p)[$1])">
          <p>Citation of a paragraph of the front matter (abstract, note on transliteration) by its place, e.g. dikova:front.2.</p>
        </prefixDef>
        <prefixDef ident="dikova" matchPattern="([0-9]+)\\.([0-9]+)\\.([0-9]+)\\.q([0-9]+)"
          replacementPattern="#xpath(//body/div[@type='chapter'][@n='$1']/div[@type='section'][@n='$2']/quote[preceding-sibling::p[@n][1]/@n='$3'][$4]/p)">
          <p>Citation of a block quotation as chapter.section.paragraph.q and its place after that paragraph, e.g. dikova:3.5.1.q1 (the first quotation after paragraph 3.5.1).</p>
        </prefixDef>
      </listPrefixDef>"""


def convert_with_stats(source: str) -> tuple[str, Stats]:
    """Convert the source and return the TEI document with what was counted."""
    lines = _lines(source)
    events = _events(lines)
    _short_line_ends(events)
    stats = Stats()
    stats.pages = _number_pages(events)
    notes: dict[int, list[Line]] = {}
    for ev in events:
        if ev.kind == "footblock":
            notes.update(ev.extra["notes"])
    text = _build(events, notes, stats)
    info = HeaderInfo(
        key=KEY,
        title="Master of Arts dissertation on Sergei Kirov (University of Oslo)",
        source_bibl=SOURCE_BIBL,
        cite_structure=CITE_STRUCTURE,
        keywords=("Sergei Kirov", "Joseph Stalin", "Leningrad", "Politburo", "Soviet politics 1926-1934"),
        extra_encoding=_extra_encoding(stats.pages),
    )
    return tei_document(info, text), stats


def convert(source: str) -> str:
    """Convert the dissertation's source text into a complete TEI document."""
    return convert_with_stats(source)[0]
