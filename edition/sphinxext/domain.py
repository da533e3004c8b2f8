"""The edition's domain: what each TEI document contributes to the whole edition.

Per document it records the paragraph anchors, footnotes, register mentions
(persons, places, orgs, and the works its footnotes cite), dates, and which register
pages it holds. The data is
kept per docname, so ``clear_doc`` and ``merge_domaindata`` are exact and
incremental and parallel (``-j``) builds stay correct.

A reader process of a parallel build sends its whole environment back to the main
process, pickled, once per chunk of documents it read; the main process unpickles it
only to merge the records of those documents. The records are therefore kept in a
:class:`DocumentRecords`, which pickled in a process other than the one that made or
loaded it carries only the records set in that process: at 10x the environment a
reader sends shrinks from 7.9 to 0.7 MB, and the main process's merge of one chunk
from 0.2 to 0.04 s (it grows with the edition, so at 100x it is seconds per chunk).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from typing import Any, NotRequired, TypedDict

from docutils import nodes
from sphinx.domains import Domain

from edition import collector
from edition.sphinxext.nodes import register_placeholder

#: Attributes of a date node that carry ISO values (see xslt/names.xsl).
DATE_ATTRIBUTES = ("when", "from", "to", "notBefore", "notAfter")


class Mention(TypedDict):
    register: str  #: persons, places, orgs or bibliography (a footnote's citation of a work)
    key: str  #: register id, e.g. ``stalin``, ``bib-getty1999``
    anchor: str  #: id of the paragraph (or nearest block, e.g. the footnote) that mentions it
    text: str  #: the words of the text
    context: str  #: a few words around the mention ("… before [text] after …")
    editorial: bool  #: inside an editorial note (the editors' words, not the source's)
    identified: str  #: certainty of an identification by the editors ("" if the text names the entry)


class Footnote(TypedDict):
    id: str
    label: str
    missing: bool  #: the source lost the note's text


class DateMention(TypedDict):
    values: dict[str, str]
    anchor: str
    text: str
    context: str
    editorial: bool


class DocData(TypedDict):
    anchors: list[str]
    footnotes: list[Footnote]
    mentions: list[Mention]
    dates: list[DateMention]
    registers: list[str]
    digests: NotRequired[dict[str, str]]  #: see :func:`record_digests`


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


#: The digest of a part a record does not have (no mentions of a register, no dates).
NOTHING = _digest([])


def group_of(mention: Mention | DateMention) -> str:
    """The part of its document's record (:func:`record_digests`) that one entry's page
    lists: a register entry's mentions, or the dates of one date."""
    if "values" in mention:
        return "date:" + json.dumps(sorted(mention["values"].items()))  # type: ignore[typeddict-item]
    return f"entry:{mention['register']}:{mention['key']}"  # type: ignore[typeddict-item]


def record_digests(data: DocData) -> dict[str, str]:
    """Digests of the parts of one document's record that the register pages and the
    entry pages show, by part: ``register:{kind}`` (its mentions of a register, in
    order), ``entry:{kind}:{key}`` and ``date:{values}`` (see :func:`group_of`), ``dates``
    and ``footnotes`` (their ids and labels).

    Made the first time a build asks and kept in the record, which a reader replaces when
    it reads the document again: the pages' keys then digest only the records of the
    documents read again, not every mention of the edition (at 10×, 0.45 s of a
    one-paragraph rebuild, all in the main process before any page is written).
    """
    made = data.get("digests")
    if made is None:
        groups: dict[str, list[Any]] = {"dates": data["dates"],
                                         "footnotes": [(n["id"], n["label"]) for n in data["footnotes"]]}
        for mention in data["mentions"]:
            groups.setdefault(f"register:{mention['register']}", []).append(mention)
            groups.setdefault(group_of(mention), []).append(mention)
        for date in data["dates"]:
            groups.setdefault(group_of(date), []).append(date)
        made = data["digests"] = {name: _digest(group) for name, group in groups.items()}
    return made


def anchor_of(node: nodes.Element) -> str:
    """The id of the nearest enclosing node that has one (a paragraph, a section)."""
    current: nodes.Element | None = node
    while current is not None:
        if current.get("ids"):
            return current["ids"][0]
        current = current.parent
    return ""


#: Words of context on each side of a mention.
CONTEXT_WORDS = 6


def _block_of(node: nodes.Element) -> nodes.Element:
    """The nearest enclosing paragraph or title: the text a mention is read in."""
    current: nodes.Element = node
    while not isinstance(current, (nodes.paragraph, nodes.title)) and isinstance(current.parent, nodes.Element):
        current = current.parent
    return current


#: A block's words as (text, ids of the text's ancestors inside the block), callouts and labels left out.
BlockTexts = list[tuple[str, frozenset[int]]]


def _block_texts(block: nodes.Element) -> BlockTexts:
    out: BlockTexts = []
    for text in block.findall(nodes.Text):
        ancestors = []
        parent = text.parent
        while parent is not None and parent is not block:
            ancestors.append(parent)
            parent = parent.parent
        # Note callouts and list labels ("•") are not words of the text.
        if any(isinstance(a, nodes.footnote_reference) or "label" in a.get("classes", ()) for a in ancestors):
            continue
        out.append((str(text), frozenset(id(a) for a in ancestors)))
    return out


class _IndexedBlock:
    """A block's texts, and where in them the texts of each element of the block begin and end."""

    def __init__(self, block: nodes.Element) -> None:
        found = _block_texts(block)
        self.texts = [text for text, _ in found]
        self.spans: dict[int, tuple[int, int]] = {}
        for i, (_, ancestors) in enumerate(found):
            for ident in ancestors:
                first = self.spans.get(ident, (i, i))[0]
                self.spans[ident] = (first, i)

    def before(self, end: int, words: int) -> str:
        """The texts before index ``end``, joined: the last of them, enough to hold ``words`` + 1
        whole words (the first word of what is joined may be cut at a text's start)."""
        joined = ""
        for i in range(end - 1, -1, -1):
            joined = self.texts[i] + joined
            if len(joined.split()) > words + 1:
                break
        return joined

    def after(self, start: int, words: int) -> str:
        """The texts from index ``start`` on, joined: enough to hold ``words`` + 1 whole words."""
        joined = ""
        for i in range(start, len(self.texts)):
            joined += self.texts[i]
            if len(joined.split()) > words + 1:
                break
        return joined


def context_of(node: nodes.Element, words: int = CONTEXT_WORDS,
               cache: dict[int, _IndexedBlock] | None = None) -> str:
    """A few words before and after ``node`` in its paragraph, note callouts left out.

    ``cache`` (block id → its indexed texts) saves re-walking a paragraph for each of its
    mentions; only the few texts around the mention are read, so a paragraph's mentions
    take time in proportion to their number (a paragraph of 100,000 mentions: issue #24).
    """
    block = _block_of(node)
    cache = {} if cache is None else cache
    if id(block) not in cache:
        cache[id(block)] = _IndexedBlock(block)
    indexed = cache[id(block)]
    span = indexed.spans.get(id(node))
    if span is None:  # not inside its block (a title's own text): everything is before it
        head_text, tail_text = indexed.before(len(indexed.texts), words), ""
    else:
        head_text, tail_text = indexed.before(span[0], words), indexed.after(span[1] + 1, words)
    return context_text(head_text, node.astext(), tail_text, words)


def context_text(head_text: str, text: str, tail_text: str, words: int) -> str:
    """``text`` with the last ``words`` words of ``head_text`` and the first of ``tail_text``
    (the texts around it, joined as they are: text nodes carry their own spaces, so that
    "Kirov’s" stays one word), "…" where there are more."""
    head, tail = head_text.split(), tail_text.split()
    left = ("… " if len(head) > words else "") + " ".join(head[-words:])
    right = " ".join(tail[:words]) + (" …" if len(tail) > words else "")
    gap_left = " " if left and (not head_text or head_text[-1].isspace()) else ""
    gap_right = " " if right and (not tail_text or tail_text[0].isspace()) else ""
    return (left + gap_left + " ".join(text.split()) + gap_right + right).strip()


def _in_ednote(node: nodes.Element) -> bool:
    current: nodes.Element | None = node
    while current is not None:
        if isinstance(current, nodes.footnote) and "ednote" in current["classes"]:
            return True
        current = current.parent
    return False


def _passage_opening(document: nodes.document, ident: str, words: int = 2 * CONTEXT_WORDS) -> str:
    """The first words of the passage with id ``ident`` (an identified description), notes left out."""
    target = document.ids.get(ident)
    if target is None:
        return ""
    # Paragraph by paragraph (items are separate paragraphs); texts carry their own spaces.
    parts = ["".join(text for text, _ in _block_texts(para)) for para in target.findall(nodes.paragraph)
             if not any(isinstance(a, nodes.footnote) for a in _ancestors(para))]
    found = " ".join(parts).split()
    return " ".join(found[:words]) + (" …" if len(found) > words else "")


def _ancestors(node: nodes.Node) -> Iterator[nodes.Element]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def collect(document: nodes.document) -> DocData:
    """Read what the edition needs from one doctree (the collector paused: the records are
    all new objects, none of them garbage; at 100,000 mentions it tripled the time)."""
    with collector.paused():
        return _collect(document)


#: The class of a document's copy in another document (the diplomatic readings of
#: ``parallel/index``): the domain takes no anchor, mention or date from it.
COPY_CLASS = "reading-copy"


def _is_copy(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Element) and COPY_CLASS in node["classes"]


def _collect(document: nodes.document) -> DocData:
    data: DocData = {"anchors": [], "footnotes": [], "mentions": [], "dates": [], "registers": []}
    blocks: dict[int, _IndexedBlock] = {}  # the doctree is not changed while it is read: ids are stable
    # A copy of a document in another (its diplomatic reading) gives nothing: its anchors,
    # mentions and dates are the document's own.
    copies = {id(n) for copy in document.findall(_is_copy) for n in copy.findall(nodes.Element)}
    for node in document.findall(lambda n: isinstance(n, nodes.Element) and id(n) not in copies):
        if isinstance(node, nodes.paragraph) and node["ids"]:
            data["anchors"].extend(node["ids"])
        elif isinstance(node, nodes.container) and "unit" in node["classes"] and node["ids"]:
            data["anchors"].extend(node["ids"])
        elif isinstance(node, nodes.footnote) and node["ids"]:
            label = node.next_node(nodes.label)
            data["footnotes"].append({
                "id": node["ids"][0],
                "label": label.astext() if label is not None else "",
                "missing": "missing" in node["classes"],
            })
        elif isinstance(node, register_placeholder):
            data["registers"].append(node["kind"])
        elif node.get("register") and node.get("key"):
            identifies = node.get("identifies", "")
            if identifies:
                # The editors name a person the passage describes: the mention is the passage.
                data["mentions"].append({
                    "register": node["register"], "key": node["key"], "anchor": identifies,
                    "text": node.astext(), "context": _passage_opening(document, identifies),
                    "editorial": False, "identified": node.get("cert") or "unknown",
                })
            else:
                data["mentions"].append({
                    "register": node["register"], "key": node["key"],
                    "anchor": anchor_of(node), "text": node.astext(), "context": context_of(node, cache=blocks),
                    "editorial": _in_ednote(node), "identified": "",
                })
        elif "date" in node.get("classes", ()):
            values = {a: node[a] for a in DATE_ATTRIBUTES if node.get(a)}
            if values:
                data["dates"].append({
                    "values": values, "anchor": anchor_of(node), "text": node.astext(),
                    "context": context_of(node, cache=blocks), "editorial": _in_ednote(node),
                })
    return data


class DocumentRecords(dict[str, Any]):
    """Records by docname; pickled in a forked reader, only the records that reader set.

    The process that creates or unpickles the records owns them and pickles them whole
    (``environment.pickle``). A process forked from it while Sphinx reads in parallel
    (:func:`reading_starts` to :func:`reading_ends`: a reader) pickles only the records it
    set itself, which are all that :meth:`PerDocumentDomain.merge_domaindata` takes from
    it. Any other process pickles them whole.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._owner = os.getpid()
        self._fresh: set[str] = set()
        #: Sphinx is reading (set in the owner; a process forked meanwhile is a reader)
        self.reading = False

    def __setitem__(self, docname: str, record: Any) -> None:
        super().__setitem__(docname, record)
        if os.getpid() != self._owner:
            self._fresh.add(docname)

    def sent(self) -> dict[str, Any]:
        """What pickling in this process carries."""
        if os.getpid() == self._owner or not self.reading:
            return dict(self)
        return {docname: self[docname] for docname in sorted(self._fresh) if docname in self}

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        return (DocumentRecords, (self.sent(),))


def _all_records(env: Any) -> Iterator[DocumentRecords]:
    for data in env.domaindata.values():
        if isinstance(data.get("docs"), DocumentRecords):
            yield data["docs"]


def reading_starts(app: Any, env: Any, docnames: list[str]) -> None:
    """``env-before-read-docs``: the processes forked from now on read documents."""
    for records in _all_records(env):
        records.reading = True


def reading_ends(app: Any, env: Any) -> list[str]:
    """``env-updated``: every reader's records are merged; later forks are not readers."""
    for records in _all_records(env):
        records.reading = False
    return []


class PerDocumentDomain(Domain):
    """A domain that keeps one record per document, as ``sphinx.ext.todo`` does.

    Subclasses say what a document contributes (:meth:`collect_doc`); forgetting a
    document and merging the records of parallel readers is the same for all of them,
    which is what keeps incremental and ``-j`` builds correct.
    """

    initial_data: dict[str, Any] = {"docs": DocumentRecords()}

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        if not isinstance(self.data["docs"], DocumentRecords):  # pickled before there were any
            self.data["docs"] = DocumentRecords(self.data["docs"])

    @property
    def docs(self) -> dict[str, Any]:
        return self.data["docs"]

    def collect_doc(self, document: nodes.document) -> Any | None:
        """The record of one document, or None when it contributes nothing."""
        raise NotImplementedError

    def process_doc(self, env: Any, docname: str, document: nodes.document) -> None:
        data = self.collect_doc(document)
        if data:
            self.docs[docname] = data

    def clear_doc(self, docname: str) -> None:
        self.docs.pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            if docname in otherdata["docs"]:
                self.docs[docname] = otherdata["docs"][docname]

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list:
        return []


class EditionDomain(PerDocumentDomain):
    """Cross-document data of the Kirov Edition."""

    name = "edition"
    label = "Kirov Edition"
    data_version = 2

    @property
    def docs(self) -> dict[str, DocData]:
        return self.data["docs"]

    def collect_doc(self, document: nodes.document) -> DocData | None:
        data = collect(document)
        return data if any(data.values()) else None

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        # Paragraph anchors are the edition's citable objects (they also feed intersphinx).
        for docname, data in self.docs.items():
            for anchor in data["anchors"]:
                yield anchor, anchor, "paragraph", docname, anchor, 1

    # Queries used by the register pages and by tests.
    def register_page(self, kind: str) -> str | None:
        """The docname holding the register ``kind`` (persons, places, orgs, bibliography), if any."""
        return next((d for d, data in sorted(self.docs.items()) if kind in data["registers"]), None)

    def mentions(self, register: str) -> dict[str, list[tuple[str, Mention]]]:
        """Register key → [(docname, mention)], in docname order."""
        found: dict[str, list[tuple[str, Mention]]] = {}
        for docname, data in sorted(self.docs.items()):
            for mention in data["mentions"]:
                if mention["register"] == register:
                    found.setdefault(mention["key"], []).append((docname, mention))
        return found

    def anchors(self) -> dict[str, str]:
        """Anchor id → docname, across the edition."""
        return {a: d for d, data in self.docs.items() for a in data["anchors"]}
