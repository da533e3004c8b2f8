"""The reader's page: the layout of a document page and its reading toolbar.

``reader.css`` sets the text at a book's measure with the apparatus beside it (or
below it on narrow screens), keeps the names calm and gives the page a print layout.
``reader.js`` adds the reading toolbar: highlighting of persons, places,
organisations and dates, and the apparatus layers shown or hidden; the reader's
choice is kept in ``localStorage``. Without scripts the page reads as the calm
default, with every layer shown. Both are static files of the site: the page's
Content-Security-Policy allows the edition's own scripts only.

**Lost notes.** Most of the dissertation's notes lost their text in the source (309 of
them); each had an entry of its own in the apparatus column. On a web page, the notes
of a paragraph whose text is lost are one line, ``notes 137–138: note text not preserved
in the source`` (:func:`collapse_lost_notes`): the words are the notes' own (``xslt/params.xsl``), where every note keeps its id (the callout's
link target) and the numbers link back to their callouts. The EPUB and the PDF keep a
footnote for every callout; the domain records every note as read.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from edition.sphinxext.epub import is_epub

def is_lost(node: nodes.Node) -> bool:
    """A footnote that only records that the source lost its text (notes.xsl: class ``missing``)."""
    return isinstance(node, nodes.footnote) and "missing" in node["classes"]


def _kind(note: nodes.Element) -> str:
    return "ednote" if "ednote" in note["classes"] else "fn"


def lost_runs(apparatus: nodes.Element) -> list[list[nodes.footnote]]:
    """The runs of consecutive lost notes of one kind among the entries of an apparatus."""
    runs: list[list[nodes.footnote]] = []
    previous: nodes.Node | None = None
    for child in apparatus.children:
        if is_lost(child):
            if previous is not None and is_lost(previous) and _kind(previous) == _kind(child):
                runs[-1].append(child)
            else:
                runs.append([child])
        previous = child
    return runs


def _label(note: nodes.Element) -> str:
    label = note.next_node(nodes.label)
    return label.astext() if label is not None else ""


def _said(note: nodes.Element) -> str:
    """What a lost note says, without its label and brackets: the stylesheet's words, not ours."""
    text = "".join(child.astext() for child in note.children if not isinstance(child, nodes.label))
    return " ".join(text.split()).strip("[]")


def _number(note: nodes.Element) -> nodes.Element:
    """A note's number in the collapsed line: its id, and a link back to its callout."""
    backrefs = note.get("backrefs") or []
    if backrefs:
        return nodes.reference("", _label(note), refid=backrefs[0], ids=list(note["ids"]), classes=["lost-note"])
    return nodes.inline("", _label(note), ids=list(note["ids"]), classes=["lost-note"])


def collapsed(run: list[nodes.footnote]) -> nodes.paragraph:
    """One apparatus line for a run of lost notes: "notes 137–138: note text not preserved in the source"."""
    line = nodes.paragraph("", "", classes=["apparatus-entry", "lost-notes", _kind(run[0])])
    line += nodes.Text("notes " if len(run) > 1 else "note ")
    numbers = [int(label) if label.isdigit() else None for label in map(_label, run)]
    consecutive = None not in numbers and numbers == list(range(numbers[0], numbers[0] + len(run)))
    if len(run) > 1 and consecutive:
        # "29–32": the first and the last number link to their callouts. The numbers between
        # are there too, each with its note's id (its callout's link target, a search record),
        # shown to screen readers and hidden on the screen: "29, 30, 31–32".
        line += _number(run[0])
        if len(run) > 2:
            between = nodes.inline("", "", classes=["lost-between"])
            for note in run[1:-1]:
                between += nodes.Text(", ")
                between += nodes.inline("", _label(note), ids=list(note["ids"]), classes=["lost-note"])
            line += between
        line += nodes.Text("–")
        line += _number(run[-1])
    else:
        for index, note in enumerate(run):
            if index:
                line += nodes.Text(", ")
            line += _number(note)
    line += nodes.Text(f": {_said(run[0])}")
    return line


def collapse_lost_notes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The web page's apparatus: each run of lost notes becomes one line (not in EPUB or PDF)."""
    if app.builder.format != "html" or is_epub(app):
        return
    for apparatus in list(doctree.findall(nodes.container)):
        if "apparatus" not in apparatus["classes"]:
            continue
        for run in lost_runs(apparatus):
            apparatus.replace(run[0], collapsed(run))
            for note in run[1:]:
                apparatus.remove(note)



#: The reader's page's own static files (web site only).
STATIC_FILES = ("reader.css", "reader.js")


def _builder_inited(app: Sphinx) -> None:
    # The EPUB has its own layout (edition-epub.css) and no scripts of the site's: the files
    # stay out of its package too (Sphinx copies every static file to its folder).
    if is_epub(app):
        app.config.epub_exclude_files = [*app.config.epub_exclude_files, *(f"_static/{f}" for f in STATIC_FILES)]
    elif app.builder.format == "html":
        app.add_css_file("reader.css")
        app.add_js_file("reader.js", loading_method="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-resolved", collapse_lost_notes)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
