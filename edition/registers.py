"""The edition's registers (persons, places, organisations, bibliography) as typed Python data.

The registers are TEI files (``tei/persons.xml`` …); this module reads them once and
offers what the validator, the tagger (:mod:`edition.annotate`) and the Sphinx extension
need: per entry its id, kind, display name, every name variant, dates and role.

It also resolves a footnote of the dissertation to the bibliography entries it cites
(:func:`bibl_ids_for_note`, :func:`resolve_notes`), so that the notes can get ``@target``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from edition.documents import TEI_DIR
from edition.xmlsafe import parse_file

TEI = "http://www.tei-c.org/ns/1.0"
T = "{%s}" % TEI
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

#: kind -> (register file stem, entry element, name element)
KINDS: dict[str, tuple[str, str, str]] = {
    "person": ("persons", "person", "persName"),
    "place": ("places", "place", "placeName"),
    "org": ("orgs", "org", "orgName"),
    "bibl": ("bibliography", "bibl", "title"),
}


@dataclass(frozen=True)
class DateFact:
    """A birth or death (or other dated fact) of an entry, with who vouches for it."""

    kind: str  #: ``birth`` / ``death``
    when: str  #: ISO 8601
    source: str | None = None  #: ``@source`` (stated by a document)
    resp: str | None = None  #: ``@resp`` (supplied by the editors)
    cert: str | None = None


@dataclass(frozen=True)
class Entry:
    """One register entry."""

    id: str
    kind: str  #: person / place / org / bibl
    display: str  #: normalised name (for a bibl: a short author–year label)
    variants: tuple[str, ...]  #: every form the sources use (display included when it is used)
    dates: tuple[DateFact, ...] = ()
    role: str = ""  #: occupation / description / full citation (bibl)
    authors: tuple[str, ...] = ()  #: bibl only
    titles: tuple[str, ...] = ()  #: bibl only (analytic title first)
    targets: tuple[str, ...] = ()  #: bibl only: URLs of ``ptr``

    @property
    def names(self) -> tuple[str, ...]:
        """Display name and variants, without duplicates, in order."""
        return tuple(dict.fromkeys((self.display, *self.variants)))


@dataclass
class Registers:
    """All entries, by id and by kind."""

    entries: dict[str, Entry] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.kind == kind]

    def __getitem__(self, key: str) -> Entry:
        return self.entries[key]

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def __len__(self) -> int:
        return len(self.entries)


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _dates(el: etree._Element) -> tuple[DateFact, ...]:
    out = []
    for child in el:
        if child.tag in (T + "birth", T + "death") and child.get("when"):
            out.append(
                DateFact(
                    etree.QName(child).localname,
                    child.get("when", ""),
                    child.get("source"),
                    child.get("resp"),
                    child.get("cert"),
                )
            )
    return tuple(out)


def _named_entry(el: etree._Element, kind: str, name_tag: str) -> Entry:
    names = el.findall(T + name_tag)
    display = next((_text(n) for n in names if n.get("type") == "display"), _text(names[0]) if names else "")
    variants = tuple(_text(n) for n in names if n.get("type") == "variant")
    role_el = el.find(T + "occupation")
    if role_el is None:
        role_el = el.find(T + "desc")
    return Entry(
        id=el.get(XML_ID, ""),
        kind=kind,
        display=display,
        variants=variants,
        dates=_dates(el),
        role=_text(role_el) if role_el is not None else "",
    )


def _bibl_entry(el: etree._Element) -> Entry:
    authors = tuple(_text(a) for a in el.iter(T + "author")) or tuple(_text(a) for a in el.findall(T + "editor"))
    titles = tuple(_text(t) for t in el.iter(T + "title"))
    # The year of the edition cited; a first publication (date type="first") is not it.
    date = next((d for d in el.findall(T + "date") if d.get("type") is None), el.find(T + "date"))
    year = (date.get("when") or "")[:4] if date is not None else ""
    first = authors[0].split()[-1] if authors else (titles[0] if titles else "")
    label = f"{first} {year}".strip()
    dates = (DateFact("publication", date.get("when", "")),) if date is not None and date.get("when") else ()
    return Entry(
        id=el.get(XML_ID, ""),
        kind="bibl",
        display=label,
        variants=(),
        dates=dates,
        role=_text(el),
        authors=authors,
        titles=titles,
        targets=tuple(p.get("target", "") for p in el.iter(T + "ptr")),
    )


def load_registers(tei_dir: Path = TEI_DIR) -> Registers:
    """Read every register file that exists in ``tei_dir``."""
    regs = Registers()
    for kind, (stem, entry_tag, name_tag) in KINDS.items():
        path = tei_dir / f"{stem}.xml"
        if not path.exists():
            continue
        body = parse_file(path).getroot().find(f"{T}text/{T}body")
        if body is None:
            continue
        for el in body.iter(T + entry_tag):
            if el.get(XML_ID) is None:
                continue  # a bibl nested in a bibl, say: not an entry of its own
            entry = _bibl_entry(el) if kind == "bibl" else _named_entry(el, kind, name_tag)
            if entry.id in regs.entries:
                raise ValueError(f"duplicate register id {entry.id!r} in {path.name}")
            regs.entries[entry.id] = entry
    return regs


# --- footnotes -> bibliography -------------------------------------------------------

_QUOTES = str.maketrans({"’": "'", "‟": "'", "‘": "'", "„": "'", "“": '"', "”": '"'})
_IBID = re.compile(r"^\W*ibid\b", re.IGNORECASE)
#: a second title found after one of these is the container of the first, not a citation.
_CONTAINER = re.compile(r"\bin\s+(ed\.|edited\b)")


def _norm(s: str) -> str:
    return " ".join(s.translate(_QUOTES).lower().split())


def bibl_ids_for_note(note_text: str, registers: Registers, previous: Iterable[str] = ()) -> list[str]:
    """Return the ids of the bibliography entries a footnote cites, in order.

    A work is recognised by its first title (or its URL) in the note; short forms
    ("Khlevniuk, Master of the House, 2009, 10") therefore resolve like full ones.
    "Ibid." resolves to the last of ``previous`` (the ids of the note before: "ibidem"
    repeats the work cited just before, the last one where a note cites several). When several titles
    occur, a later one counts as a further citation only if its first author's surname
    stands between it and the previous citation and no "in ed." / "in edited by"
    does (otherwise it is the volume an article appeared in).
    """
    text = _norm(note_text)
    if _IBID.match(text):
        return list(previous)[-1:]
    hits: list[tuple[int, int, Entry]] = []
    for entry in registers.of_kind("bibl"):
        keys = [_norm(entry.titles[0])] if entry.titles else []
        keys += [_norm(t.split("://", 1)[-1]) for t in entry.targets]
        found = [(text.find(k), len(k)) for k in keys if k and k in text]
        if found:
            pos, length = min(found)
            hits.append((pos, -length, entry))
    hits.sort(key=lambda h: (h[0], h[1]))
    chosen: list[tuple[int, int, Entry]] = []
    for pos, neg_len, entry in hits:
        if chosen:
            last_pos, last_neg, _ = chosen[-1]
            if pos < last_pos - last_neg:  # inside the previous title (e.g. "Stati i rechi")
                continue
            gap = text[last_pos - last_neg : pos]
            surname = _norm(entry.authors[0].split()[-1]) if entry.authors else ""
            if not surname or surname not in gap or _CONTAINER.search(gap):
                continue
        chosen.append((pos, neg_len, entry))
    return list(dict.fromkeys(e.id for _, _, e in chosen))


def resolve_notes(notes: Iterable[tuple[str, str]], registers: Registers) -> dict[str, list[str]]:
    """Map footnote numbers to bibliography ids; ``notes`` are ``(n, text)`` in document order."""
    out: dict[str, list[str]] = {}
    previous: list[str] = []
    for n, text in notes:
        ids = bibl_ids_for_note(text, registers, previous)
        out[n] = ids
        if ids:
            previous = ids
    return out
