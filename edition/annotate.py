"""Tag names and dates in a TEI document: ``persName``/``placeName``/``orgName`` and ``date``;
link the works footnotes cite to the bibliography (``ref type="bibl"``, :func:`link_citations`).

The tagger only wraps existing characters in elements; it never adds, drops or moves
a character, so :func:`edition.fidelity.source_text` and ``string(text)`` are the same
before and after. Rules (see also the module constants):

* Only text inside ``text`` is touched, never text inside :data:`NO_TAG` elements
  (names, dates, ``sic``/``orig`` and the editorial ``corr``/``reg``/``supplied``,
  ``fw``, ``c``, ``num``, ``gap``, bibliographic ``bibl``/``title``/``ref``/``ptr``/``idno``).
* A match never crosses an element boundary (a name broken by ``lb`` is left alone
  and shows up in :func:`suggest` only if a part of it is a registered name).
* Names: every display name and variant of the registers, case-sensitive, longest match
  first, on word boundaries. A possessive ("Kirov‟s", "Kirov’s", "Kirov's") is tagged
  without its ending, because the ending is not part of the name.
* Ambiguity rules (:data:`SKIP_RULES`): a match is skipped, and reported, when its
  context shows it is not the registered entity, e.g. "Kirov-Gåten" (a book title),
  "Kirov region" is the region (registered as a place, so the longest match takes it),
  a person's name before "region"/"Regional"/"Province" that is not registered, bare
  "Bolsheviks" not preceded by "the" (party members, not the party), "Old Bolshevik(s)".
  "Leningrad" inside a registered organisation name ("Leningrad Party Committee") is
  part of the org (longest match); in any other "Leningrad X" it is the place.
  A string registered for two entries is never tagged (reported).
* Dates: see :data:`DATE_PATTERNS`; ISO 8601 in ``when``/``from``/``to``/``notBefore``/
  ``notAfter``; fuzzy decades carry ``cert="medium"`` and ``resp`` (an editorial reading).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from edition.registers import Entry, Registers, bibl_ids_for_note

TEI = "http://www.tei-c.org/ns/1.0"
T = "{%s}" % TEI

#: Name element for each register kind.
NAME_TAG = {"person": "persName", "place": "placeName", "org": "orgName"}

#: No tagging inside these (local names).
NO_TAG = frozenset(
    "persName placeName orgName name rs date time sic orig corr reg supplied fw c num gap "
    "bibl biblStruct title ref ptr idno teiHeader".split()
)

#: Possessive endings after a name (the name is tagged, the ending not).
POSSESSIVE = "(?:[‟’']s)?"


@dataclass
class Change:
    """One element the tagger made (or, in :func:`suggest`, would make)."""

    tag: str  #: persName / placeName / orgName / date
    text: str  #: the characters wrapped
    attrs: dict[str, str]
    line: int | None  #: source line of the element holding the text


@dataclass
class Skipped:
    """An occurrence the tagger left alone, with the rule that made it do so."""

    text: str
    context: str
    reason: str
    line: int | None


@dataclass
class Report:
    """What a run did: changes and skipped ambiguities."""

    changes: list[Change] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


# --- walking the text --------------------------------------------------------------------


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _taggable(el: etree._Element) -> bool:
    """True if text directly inside ``el`` may be tagged: under ``text``, outside NO_TAG."""
    node: etree._Element | None = el
    while node is not None:
        name = _local(node)
        if name in NO_TAG:
            return False
        if name == "text" and node.tag == T + "text":
            return True
        node = node.getparent()
    return False


def _slots(tree: etree._ElementTree | etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """Yield (element, "text"|"tail") for every taggable text node, in document order."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    text_el = root if root.tag == T + "text" else root.find(T + "text")
    if text_el is None:
        return
    for el in text_el.iter():
        if isinstance(el.tag, str) and el.text and _taggable(el):
            yield el, "text"
        if el is not text_el and el.tail and el.getparent() is not None and _taggable(el.getparent()):
            yield el, "tail"


def _wrap(el: etree._Element, slot: str, spans: list[tuple[int, int, str, dict[str, str]]]) -> None:
    """Wrap the given spans of one text node in new elements; the characters stay the same."""
    s = el.text if slot == "text" else el.tail
    assert s is not None
    spans = sorted(spans)
    head = s[: spans[0][0]]
    new: list[etree._Element] = []
    for i, (start, end, tag, attrs) in enumerate(spans):
        child = etree.Element(T + tag, attrs, nsmap=None)
        child.text = s[start:end]
        nxt = spans[i + 1][0] if i + 1 < len(spans) else len(s)
        child.tail = s[end:nxt] or None
        new.append(child)
    if slot == "text":
        el.text = head or None
        for i, child in enumerate(new):
            el.insert(i, child)
    else:
        parent = el.getparent()
        el.tail = head or None
        at = parent.index(el) + 1
        for i, child in enumerate(new):
            parent.insert(at + i, child)


Matcher = Callable[[str], Iterator[tuple[int, int, str, dict[str, str]] | Skipped]]


def _run(tree: etree._ElementTree | etree._Element, match: Matcher, *, apply: bool) -> Report:
    report = Report()
    for el, slot in list(_slots(tree)):
        s = el.text if slot == "text" else el.tail
        owner = el if slot == "text" else el.getparent()
        spans = []
        for hit in match(s or ""):
            if isinstance(hit, Skipped):
                hit.line = owner.sourceline
                report.skipped.append(hit)
                continue
            start, end, tag, attrs = hit
            spans.append(hit)
            report.changes.append(Change(tag, s[start:end], attrs, owner.sourceline))
        if spans and apply:
            _wrap(el, slot, spans)
    return report


# --- names -----------------------------------------------------------------------------

#: (pattern on the text around a match, reason). ``{m}`` is the escaped match.
SKIP_RULES: tuple[tuple[str, str], ...] = (
    (r"{m}-Gåten", "title of a book (Egge, Kirov-Gåten)"),
    (r"Old {m}", "'Old Bolsheviks' is a generation of party members, not the party"),
    (r"(?<!the ){m}(?=\W|$)(?<=Bolsheviks)", "bare 'Bolsheviks': party members (persons), not the party"),
)
#: A person's name followed by one of these names something else (a place, an institution).
NOT_PERSON_AFTER = re.compile(r"\s+(?:region|Region|Regional|Province|province|oblast)\b")


def _name_index(registers: Registers) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Map each name string to (kind, id); collect strings claimed by two entries."""
    index: dict[str, tuple[str, str]] = {}
    clash: set[str] = set()
    for entry in registers.entries.values():
        if entry.kind not in NAME_TAG:
            continue
        for name in entry.names:
            if name in index and index[name][1] != entry.id:
                clash.add(name)
            index.setdefault(name, (entry.kind, entry.id))
    return index, clash


def _name_matcher(registers: Registers) -> Matcher:
    index, clash = _name_index(registers)
    names = sorted(index, key=len, reverse=True)  # longest first: the alternation takes the first that fits
    pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in names) + r")(?=" + POSSESSIVE + r"(?!\w))")

    def match(s: str) -> Iterator[tuple[int, int, str, dict[str, str]] | Skipped]:
        for m in pattern.finditer(s):
            name = m.group(1)
            context = s[max(0, m.start() - 30) : m.end() + 30]
            if name in clash:
                yield Skipped(name, context, "name registered for more than one entry", None)
                continue
            kind, ident = index[name]
            reason = _skip_reason(s, m, kind)
            if reason:
                yield Skipped(name, context, reason, None)
                continue
            yield m.start(1), m.end(1), NAME_TAG[kind], {"ref": f"#{ident}"}

    return match


def _skip_reason(s: str, m: re.Match[str], kind: str) -> str | None:
    for rule, reason in SKIP_RULES:
        rx = re.compile(rule.format(m=re.escape(m.group(1))))
        window_start = max(0, m.start() - 10)
        for w in rx.finditer(s, window_start, min(len(s), m.end() + 10)):
            if w.start() <= m.start() and w.end() >= m.end():
                return reason
    if kind == "person" and NOT_PERSON_AFTER.match(s, m.end()):
        return "person's name naming a region or institution"
    return None


def tag_names(tree: etree._ElementTree | etree._Element, registers: Registers) -> list[Change]:
    """Wrap untagged registered names in ``persName``/``placeName``/``orgName`` with ``@ref``."""
    return _run(tree, _name_matcher(registers), apply=True).changes


def name_report(tree: etree._ElementTree | etree._Element, registers: Registers, *, apply: bool = False) -> Report:
    """Changes and skipped ambiguities of a name-tagging run (applied only with ``apply``)."""
    return _run(tree, _name_matcher(registers), apply=apply)


def suggest(tree: etree._ElementTree | etree._Element, registers: Registers) -> list[tuple[int | None, str, str]]:
    """List untagged name occurrences as (line, text, id), changing nothing."""
    return [(c.line, c.text, c.attrs["ref"][1:]) for c in name_report(tree, registers).changes]


# --- dates -----------------------------------------------------------------------------

MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"), ("May",),
            ("June", "Jun"), ("July", "Jul"), ("August", "Aug"), ("September", "Sept", "Sep"),
            ("October", "Oct"), ("November", "Nov"), ("December", "Dec"),
        ),
        start=1,
    )
    for m in names
}
_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>1[6-9]\d\d|20\d\d)"
_Y = r"(?<![\d,.\-/])(1[6-9]\d\d|20\d\d)(?![\d%]|,\d|\.\d|-[^\W\d])"

#: Editorial responsibility for fuzzy readings of decades.
FUZZY_RESP = "#{key}-ed"

#: (name, regex): tried in this order at each position; the longest match wins.
DATE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("dmy", r"(?<!\d)(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+" + _YEAR + r"(?!\d)"),
    ("mdy", r"\b" + _MONTH + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+" + _YEAR + r"(?!\d)"),
    ("numeric", r"(?<![\d.])(?P<day>[0-3]?\d)\.(?P<mon>[01]?\d)\.(?P<year>1[6-9]\d\d|20\d\d)(?!\d)"),
    ("my", r"\b" + _MONTH + r"\s+(?:in\s+|of\s+)?" + _YEAR + r"(?!\d)"),
    ("between", r"(?<=between )" + _Y.replace("(1[6-9]", "(?P<y1>1[6-9]", 1) + r"\s+and\s+" + _Y.replace("(1[6-9]", "(?P<y2>1[6-9]", 1)),
    ("fromto", r"(?<=[Ff]rom )" + _Y.replace("(1[6-9]", "(?P<y1>1[6-9]", 1) + r"\s+to\s+" + _Y.replace("(1[6-9]", "(?P<y2>1[6-9]", 1)),
    ("range", r"(?<![\d,.\-/])(?P<y1>1[6-9]\d\d|20\d\d)\s?[-–/]\s?(?P<y2>1[6-9]\d\d|20\d\d|\d\d)(?![\d%])"),
    ("decade", r"(?:(?P<mod>early|late|mid-|middle)\s*)?(?<![\d,.])(?P<dec>1[6-9]\d0|20\d0)(?:'s|s)\b"),
    ("year", _Y),
)
_DATE_RX = [(name, re.compile(rx)) for name, rx in DATE_PATTERNS]

#: Fuzzy parts of a decade: (first year offset, last year offset).
DECADE_PARTS = {"early": (0, 3), "mid-": (4, 6), "middle": (4, 6), "late": (6, 9)}


def _iso(y: str, m: int | None = None, d: int | None = None) -> str | None:
    if m is None:
        return y
    if not 1 <= m <= 12 or (d is not None and not 1 <= d <= 31):
        return None
    return f"{y}-{m:02d}" + (f"-{d:02d}" if d is not None else "")


def _date_attrs(name: str, m: re.Match[str], key: str) -> dict[str, str] | None:
    g = m.groupdict()
    if name in ("dmy", "mdy"):
        iso = _iso(g["year"], MONTHS[g["month"]], int(g["day"]))
        return {"when": iso} if iso else None
    if name == "numeric":
        iso = _iso(g["year"], int(g["mon"]), int(g["day"]))
        return {"when": iso} if iso else None
    if name == "my":
        return {"when": _iso(g["year"], MONTHS[g["month"]]) or ""}
    if name in ("between", "fromto", "range"):
        y1, y2 = g["y1"], g["y2"]
        if len(y2) == 2:  # "1927/28"
            y2 = y1[:2] + y2
        return {"from": y1, "to": y2} if y1 < y2 else None
    if name == "decade":
        dec = int(g["dec"])
        if g["mod"]:
            lo, hi = DECADE_PARTS[g["mod"]]
            return {"notBefore": str(dec + lo), "notAfter": str(dec + hi), "cert": "medium", "resp": FUZZY_RESP.format(key=key)}
        return {"from": str(dec), "to": str(dec + 9)}
    return {"when": m.group(1)}


def _date_matcher(key: str) -> Matcher:
    def match(s: str) -> Iterator[tuple[int, int, str, dict[str, str]]]:
        pos = 0
        while pos < len(s):
            best: tuple[int, int, str, re.Match[str]] | None = None
            for name, rx in _DATE_RX:
                m = rx.search(s, pos)
                if m and (best is None or m.start() < best[0] or (m.start() == best[0] and m.end() > best[1])):
                    best = (m.start(), m.end(), name, m)
            if best is None:
                return
            start, end, name, m = best
            attrs = _date_attrs(name, m, key)
            if attrs:
                yield start, end, "date", attrs
            pos = end
    return match


def _key(tree: etree._ElementTree | etree._Element) -> str:
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    return root.get("n") or root.get("{http://www.w3.org/XML/1998/namespace}id") or "edition"


def tag_dates(tree: etree._ElementTree | etree._Element) -> list[Change]:
    """Wrap date expressions in ``date`` with ISO ``when``/``from``/``to``/``notBefore``/``notAfter``."""
    return _run(tree, _date_matcher(_key(tree)), apply=True).changes


# --- footnote citations ----------------------------------------------------------------

#: ``@type`` of the reference that links a footnote citation to its bibliography entry.
CITATION_TYPE = "bibl"
_IBID_WORD = re.compile(r"\s*(ibid\b\.?)", re.IGNORECASE)
#: Where a further citation in the same note begins: after the end of a sentence.
_SENTENCE_END = re.compile(r"[.)]\s+(?=\S)")
_QUOTE_MARKS = "‟’‘„'“”\""


def _loose(key: str) -> re.Pattern[str]:
    """A title as a pattern: any run of spaces, any quotation mark, any case."""
    parts = []
    for ch in key:
        if ch.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
        elif ch in _QUOTE_MARKS:
            parts.append(f"[{_QUOTE_MARKS}]")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts), re.IGNORECASE)


#: The direct content of an element: strings (its text and its children's tails) and children.
Item = str | etree._Element


def _items(parent: etree._Element) -> list[Item]:
    items: list[Item] = [parent.text] if parent.text else []
    for child in parent:
        items.append(child)
        if child.tail:
            items.append(child.tail)
    return items


def _length(item: Item) -> int:
    if isinstance(item, str):
        return len(item)
    return len("".join(item.itertext())) if isinstance(item.tag, str) else 0  # a comment adds no text


def _set_items(parent: etree._Element, items: list[Item]) -> None:
    for child in list(parent):
        parent.remove(child)
    parent.text = None
    last: etree._Element | None = None
    for item in items:
        if isinstance(item, str):
            if last is None:
                parent.text = (parent.text or "") + item
            else:
                last.tail = (last.tail or "") + item
        else:
            item.tail = None
            parent.append(item)
            last = item


def _spans(items: list[Item]) -> list[tuple[int, int, Item]]:
    """(start, end, item) of each item in the element's string value."""
    out, pos = [], 0
    for item in items:
        out.append((pos, pos + _length(item), item))
        pos += _length(item)
    return out


def _outward(spans: list[tuple[int, int, Item]], start: int, end: int) -> tuple[int, int]:
    """Widen ``start``/``end`` to the edges of the child elements they fall inside."""
    for s, e, item in spans:
        if isinstance(item, str):
            continue
        if s < start < e:
            start = s
        if s < end < e:
            end = e
    return start, end


def _wrap_range(parent: etree._Element, start: int, end: int, new: etree._Element) -> None:
    """Move the content of ``parent`` between two offsets of its string value into ``new``."""
    before: list[Item] = []
    inside: list[Item] = []
    after: list[Item] = []
    for s, e, item in _spans(_items(parent)):
        if isinstance(item, str):
            if s < start:
                before.append(item[: start - s])
            if s < end and e > start:
                inside.append(item[max(start, s) - s : min(end, e) - s])
            if e > end:
                after.append(item[max(0, end - s):])
        elif e <= start:
            before.append(item)
        elif s >= end:
            after.append(item)
        else:
            inside.append(item)
    _set_items(new, [i for i in inside if i != ""])
    _set_items(parent, [i for i in (*before, new, *after) if i != ""])


def _citation_range(flat: str, spans: list[tuple[int, int, Item]], entry: Entry, cursor: int,
                    first: bool) -> tuple[int, int] | None:
    """Where the citation of ``entry`` stands in a note's string value, searching from ``cursor``.

    It begins at the note's first character (the first citation) or after the sentence
    before the author's surname; it ends after the year of publication (and the closing
    parenthesis of the imprint), so that the page cited stays outside. A year printed inside
    an emendation ends it before the emendation; a work without a year ends after its
    title or address.
    """
    keys = ([entry.titles[0]] if entry.titles else []) + [t.split("://", 1)[-1] for t in entry.targets]
    found = [m for k in keys if k for m in [_loose(k).search(flat, cursor)] if m]
    if not found:
        return None
    title = min(found, key=lambda m: (m.start(), -m.end()))
    if first:
        start = len(flat) - len(flat.lstrip())
    else:
        surname = entry.authors[0].split()[-1] if entry.authors else ""
        at = flat.rfind(surname, cursor, title.start()) if surname else -1
        stop = at if at >= 0 else title.start()
        start = cursor
        for m in _SENTENCE_END.finditer(flat, cursor, stop):
            start = m.end()
        while start < stop and flat[start] in " .,;":
            start += 1
    year = next((d.when[:4] for d in entry.dates if d.kind == "publication"), "")
    end = None
    if year:
        for s, e, item in spans:
            if s >= title.end() and not isinstance(item, str) and _local(item) == "date" \
                    and (item.get("when") or "").startswith(year):
                end = e
                break
        if end is None:
            m = re.compile(rf"(?<!\d){year}(?!\d)").search(flat, title.end())
            if m:
                holder = next((item for s, e, item in spans if s <= m.start() < e), None)
                end = m.end() if isinstance(holder, str) else title.end()
    if end is None:
        end = max(m.end() for m in found)
    if end < len(flat) and flat[end] == ")":
        end += 1
    return _outward(spans, start, end)


def link_citations(tree: etree._ElementTree | etree._Element, registers: Registers) -> list[Change]:
    """Mark what each footnote cites as ``<ref type="bibl" target="#bib-…">``.

    Footnotes are resolved in document order by :func:`edition.registers.bibl_ids_for_note`
    (short forms by their title, "Ibid." to the work the footnote before cites). The
    reference spans the citation of the work (author, title, imprint, year); the page cited
    stays outside it. No character is added, dropped or moved. A footnote that already has
    such a reference is left as it is (its targets count for a following "Ibid.");
    a footnote whose text is lost, or that cites nothing known, gets none.
    """
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    text_el = root if root.tag == T + "text" else root.find(T + "text")
    if text_el is None:
        return []
    changes: list[Change] = []
    previous: list[str] = []
    for note in text_el.iter(T + "note"):
        if note.get("place") != "foot":
            continue
        flat = "".join(note.itertext())
        existing = [r for r in note.iter(T + "ref") if r.get("type") == CITATION_TYPE]
        if existing:
            previous = [t.lstrip("#") for r in existing for t in (r.get("target") or "").split()]
            continue
        if not flat.strip():
            continue
        ids = bibl_ids_for_note(flat, registers, previous)
        if not ids:
            continue
        spans = _spans(_items(note))
        ranges: list[tuple[int, int, str]] = []
        ibid = _IBID_WORD.match(flat)
        if ibid:
            ranges.append((ibid.start(1), ibid.end(1), f"#{ids[0]}"))
        else:
            cursor = 0
            for ident in ids:
                found = _citation_range(flat, spans, registers[ident], cursor, first=not ranges)
                if found is None:
                    continue
                ranges.append((*found, f"#{ident}"))
                cursor = found[1]
        for start, end, target in ranges:
            changes.append(Change("ref", flat[start:end], {"type": CITATION_TYPE, "target": target}, note.sourceline))
        for start, end, target in reversed(ranges):  # from the end: earlier offsets stay valid
            attrs = {"type": CITATION_TYPE, "target": target}
            _wrap_range(note, start, end, etree.Element(T + "ref", attrs, nsmap=None))
        previous = ids
    return changes
