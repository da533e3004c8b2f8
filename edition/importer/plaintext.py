"""What the importers of the four short plain-text sources share.

The sources are plain text: blocks separated by blank lines, bullets as
``  • `` lines. This module turns such text into TEI markup:

* :class:`Ids` numbers the citable elements as ``tei/ENCODING.md`` prescribes;
* the rule classes (:class:`Correction`, :class:`Supplied`, :class:`EditorialNote`,
  :class:`Mark`) are the rows of the per-document decision tables that each importer
  keeps, so that re-running an importer reproduces its TEI exactly;
* :class:`Annotator` applies those tables to a block of text and returns escaped
  inline XML; dates are tagged afterwards, on the finished ``<text>``, by the edition's
  date tagger (:func:`edition.annotate.tag_dates`), so that every document follows the
  same date conventions;
* :class:`Writer` lays the block structure out, one block element per line.

Nothing here drops a character: every character of the input text ends up either
as text or inside ``sic``; editorial additions are ``corr``, ``supplied`` and
``note type="editorial"`` (all ignored by :mod:`edition.fidelity`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from edition.annotate import DECADE_PARTS, tag_dates
from edition.identifiers import KINDS
from edition.xmlsafe import safe_parser

TEI_NS = "http://www.tei-c.org/ns/1.0"

#: Id kind -> zero-padding width; notes are not in KINDS because their kind depends on @place.
_WIDTHS: dict[str, int] = {kind: width for kind, width in KINDS.values()} | {"ednote": 2}

#: Bullet lines: at least one leading space (or no-break space), a bullet sign, a space. Two spaces of
#: indentation per level (``  • `` is level 0, ``    • `` level 1).
BULLET = re.compile(r"^(?P<indent>[ \u00a0]+)(?P<sign>[•-]) +(?P<text>.*\S)\s*$")


# --------------------------------------------------------------------------- ids


@dataclass
class Ids:
    """Mints ``{key}-{kind}{number}`` ids in document order (ENCODING.md, "Identifiers")."""

    key: str
    counters: dict[str, int] = field(default_factory=dict)

    def new(self, kind: str) -> str:
        n = self.counters.get(kind, 0) + 1
        self.counters[kind] = n
        return f"{self.key}-{kind}{n:0{_WIDTHS[kind]}d}"


def attrs_xml(attrs: dict[str, str | None]) -> str:
    """Serialise attributes in the given order, skipping ``None`` values."""
    return "".join(f" {name}={quoteattr(value)}" for name, value in attrs.items() if value is not None)


# ------------------------------------------------------------ decision-table rows


@dataclass(frozen=True)
class Rule:
    """A row of a decision table: where it applies, and what it inserts there.

    ``before`` + ``text`` + ``after`` must occur in a block; only ``text`` is
    affected. The context strings make a row apply exactly where it was meant.
    """

    text: str
    before: str = ""
    after: str = ""

    #: True when the rule inserts at the end of ``text`` instead of wrapping it.
    inserts = False

    def pattern(self) -> str:
        return self.before + self.text + self.after

    def render(self, ann: Annotator) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Correction(Rule):
    """A certain slip: the printed reading in ``sic``, the editors' in ``corr``."""

    corr: str = ""
    cert: str = "high"

    def render(self, ann: Annotator) -> str:
        return (
            f"<choice><sic>{escape(self.text)}</sic>"
            f'<corr resp="#{ann.key}-ed" cert="{self.cert}">{escape(self.corr)}</corr></choice>'
        )


@dataclass(frozen=True)
class Supplied(Rule):
    """Words the source omits, supplied after ``text`` (which stays as printed)."""

    supplied: str = ""
    reason: str = "omitted-in-source"
    cert: str = "high"
    inserts = True

    def render(self, ann: Annotator) -> str:
        return (
            f' <supplied resp="#{ann.key}-ed" reason="{self.reason}" cert="{self.cert}">'
            f"{escape(self.supplied)}</supplied>"
        )


@dataclass(frozen=True)
class EditorialNote(Rule):
    """A doubtful statement: an editorial note placed right after ``text``."""

    note: str = ""
    inserts = True

    def render(self, ann: Annotator) -> str:
        ident = ann.ids.new("ednote")
        return f'<note type="editorial" resp="#{ann.key}-ed" xml:id="{ident}">{escape(self.note)}</note>'


@dataclass(frozen=True)
class Mark(Rule):
    """Wrap ``text`` in an element, e.g. a fuzzy ``date`` the recogniser cannot date."""

    element: str = "date"
    attrs: tuple[tuple[str, str], ...] = ()
    #: Inferred values carry the editors' responsibility and this certainty.
    cert: str | None = None

    def render(self, ann: Annotator) -> str:
        attrs: dict[str, str | None] = dict(self.attrs)
        if self.cert is not None:
            attrs |= {"cert": self.cert, "resp": f"#{ann.key}-ed"}
        return f"<{self.element}{attrs_xml(attrs)}>{escape(self.text)}</{self.element}>"


# -------------------------------------------------------------------- annotator


@dataclass
class Annotator:
    """Turns a block of source text into inline XML, applying a decision table.

    Every row must be used at least once (:meth:`check_used`), so that a stale
    table is an error rather than a silent no-op.
    """

    key: str
    ids: Ids
    rules: Sequence[Rule] = ()
    used: dict[Rule, int] = field(default_factory=dict)

    def _spans(self, text: str) -> Iterator[tuple[int, int, Rule]]:
        for rule in self.rules:
            pattern = rule.pattern()
            start = text.find(pattern)
            while start >= 0:
                begin = start + len(rule.before)
                end = begin + len(rule.text)
                yield (end, end, rule) if rule.inserts else (begin, end, rule)
                self.used[rule] = self.used.get(rule, 0) + 1
                start = text.find(pattern, start + len(pattern))

    def __call__(self, text: str) -> str:
        spans = sorted(self._spans(text), key=lambda s: (s[0], s[1]))
        out: list[str] = []
        pos = 0
        for begin, end, rule in spans:
            if begin < pos:
                raise ValueError(f"{self.key}: overlapping rules at {text[begin:begin + 40]!r}")
            out += [escape(text[pos:begin]), rule.render(self)]
            pos = end
        out.append(escape(text[pos:]))
        return "".join(out)

    def check_used(self) -> None:
        """Fail when a row of the decision table found no place to apply."""
        unused = [rule for rule in self.rules if not self.used.get(rule)]
        if unused:
            raise ValueError(f"{self.key}: decision-table rows that match nothing: {unused}")


# ----------------------------------------------------------------------- writer


@dataclass
class Writer:
    """Writes the ``<text>`` element: block elements one per line, inline XML within."""

    ann: Annotator
    lines: list[str] = field(default_factory=list)
    depth: int = 3  #: inside TEI/text/body

    @property
    def ids(self) -> Ids:
        return self.ann.ids

    def _line(self, xml: str) -> None:
        self.lines.append("  " * self.depth + xml)

    def open(self, tag: str, kind: str | None = None, **attrs: str | None) -> str | None:
        """Open a block element; ``kind`` gives it an id. Returns the id."""
        ident = self.ids.new(kind) if kind else None
        self._line(f"<{tag}{attrs_xml({'xml:id': ident} | _xml_attrs(attrs))}>")
        self.depth += 1
        return ident

    def close(self, tag: str) -> None:
        self.depth -= 1
        self._line(f"</{tag}>")

    def leaf(self, tag: str, inline: str, kind: str | None = None, **attrs: str | None) -> str | None:
        """A block element on one line, with already-made inline XML."""
        ident = self.ids.new(kind) if kind else None
        self._line(f"<{tag}{attrs_xml({'xml:id': ident} | _xml_attrs(attrs))}>{inline}</{tag}>")
        return ident

    def head(self, text: str, **attrs: str | None) -> None:
        self.leaf("head", self.ann(text), "head", **attrs)

    def p(self, text: str, **attrs: str | None) -> None:
        self.leaf("p", self.ann(text), "p", **attrs)

    def raw(self, xml: str) -> None:
        self._line(xml)

    def bullets(self, entries: Sequence[tuple[int, str, str]]) -> None:
        """A bulleted list from ``(level, sign, text)`` entries; deeper levels nest in the item.

        The bullet sign is source text, so it is kept as the ``label`` of its item.
        """
        self.open("list", "list", rend="bulleted")
        level = entries[0][0]
        i = 0
        while i < len(entries):
            lvl, sign, text = entries[i]
            if lvl != level:
                raise ValueError(f"{self.ann.key}: bullet nested without a parent: {text[:40]!r}")
            j = i + 1
            while j < len(entries) and entries[j][0] > level:
                j += 1
            self._line(f"<label>{escape(sign)}</label>")
            if j == i + 1:
                self.leaf("item", self.ann(text), "item")
            else:
                ident = self.ids.new("item")
                self._line(f'<item xml:id="{ident}">{self.ann(text)}')
                self.depth += 1
                self.bullets(entries[i + 1:j])
                self.depth -= 1
                self._line("</item>")
            i = j
        self.close("list")

    def xml(self) -> str:
        return "\n".join(self.lines)


def _decade_parts() -> str:
    parts = {name.rstrip("-"): span for name, span in DECADE_PARTS.items() if name != "middle"}
    return ", ".join(f"“{name}” years {lo}–{hi}" for name, (lo, hi) in parts.items())


#: The date conventions of :mod:`edition.annotate`, stated in each header's encodingDesc.
DATE_DECL = f"""
      <editorialDecl>
        <interpretation>
          <p>Explicit date expressions are tagged with <gi>date</gi> and ISO 8601 values: a day or
            month with <att>when</att>; a span ("1917-1918", "1934-36") or a decade ("the 1920s") with
            <att>from</att> and <att>to</att>; a part of a decade with <att>notBefore</att> and
            <att>notAfter</att> ({_decade_parts()} of the decade). Values the source does not state
            exactly (parts of decades or centuries) carry <att>cert</att> and <att>resp</att>.</p>
        </interpretation>
      </editorialDecl>"""


def tei_text(writer: Writer) -> str:
    """The finished ``<text>``, dates tagged; fails if a decision-table row was never applied."""
    writer.ann.check_used()
    return with_dates("<text>\n    <body>\n" + writer.xml() + "\n    </body>\n  </text>", writer.ann.key)


def with_dates(text_xml: str, key: str) -> str:
    """Tag the date expressions of a ``<text>`` (as XML text) with the edition's date tagger."""
    wrapper = f'<TEI xmlns="{TEI_NS}" n="{key}">'
    root = etree.fromstring(wrapper + text_xml + "</TEI>", safe_parser())
    tag_dates(root)
    out = etree.tostring(root, encoding="unicode")
    if not (out.startswith(wrapper) and out.endswith("</TEI>")):
        raise ValueError("unexpected serialisation of the wrapper")
    return out[len(wrapper):-len("</TEI>")]


def _xml_attrs(attrs: dict[str, str | None]) -> dict[str, str | None]:
    """Python keyword names -> XML attribute names (``from_`` -> ``from``)."""
    return {name.rstrip("_"): value for name, value in attrs.items()}


# ------------------------------------------------------------------ source text


def clean(text: str) -> str:
    """Join a block's lines and collapse whitespace (not significant, ENCODING.md)."""
    return re.sub(r"\s+", " ", text).strip()


def blocks(source: str) -> list[str]:
    """The source's blocks: runs of non-blank lines, separated by blank lines."""
    return [b.strip("\n") for b in re.split(r"\n\s*\n", source.strip("\n")) if b.strip()]


def bullet(line: str) -> tuple[int, str, str] | None:
    """``(level, sign, text)`` of a bullet line, or None."""
    m = BULLET.match(line)
    if not m:
        return None
    return max(0, len(m["indent"]) // 2 - 1), m["sign"], clean(m["text"])


def cite_structure(key: str, section: str, block: str = "p|list/item", nested: bool = False) -> str:
    """``{key}:{section}.{block}``: a section's ``@n``, then a block's position in it.

    ``nested`` adds a third level for the items of a list nested in an item
    (``slides:4.5.1``).
    """
    inner = '\n            <citeStructure unit="subitem" match="list/item" use="position()" delim="."/>' if nested else ""
    close = "\n          </citeStructure>" if nested else ""
    end = "" if nested else "/"
    return (
        f'        <citeStructure unit="section" match="{escape(section)}" use="@n" delim="{key}:">\n'
        f'          <citeStructure unit="block" match="{escape(block)}" use="position()" delim="."{end}>'
        f"{inner}{close}\n"
        "        </citeStructure>"
    )
