"""Register pages and the links into them.

A page declares a register with ``.. edition-register:: persons``; the directive
leaves a placeholder that is filled at ``doctree-resolved``, once every document
has been read (as ``todolist`` is in ``sphinx.ext.todo``). The entries list each
key with links to the paragraphs that mention it. Until the register files and
their pages exist the entries show only keys; the mechanism and data are ready.

Name references from the XSLT (``reference register="persons" key="stalin"``)
are rewritten for the current builder to point at the register page; when the
edition has no such page yet they become plain classed inlines, never dead links.
"""

from __future__ import annotations

from typing import cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from edition.sphinxext.domain import EditionDomain
from edition.sphinxext.nodes import register_placeholder

REGISTERS = ("persons", "places", "orgs")


class RegisterDirective(SphinxDirective):
    """``.. edition-register:: persons`` — the place where a register is listed."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        kind = directives.choice(self.arguments[0], REGISTERS)
        return [register_placeholder("", kind=kind)]


def _domain(app: Sphinx) -> EditionDomain:
    return cast(EditionDomain, app.env.domains["edition"])


def fill_registers(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Replace each register placeholder by its list of entries and their mentions."""
    domain = _domain(app)
    for placeholder in list(doctree.findall(register_placeholder)):
        entries = nodes.bullet_list(classes=["register", placeholder["kind"]])
        for key, found in sorted(domain.mentions(placeholder["kind"]).items()):
            para = nodes.paragraph()
            para += nodes.strong(key, key)
            para += nodes.Text(": ")
            for i, (docname, mention) in enumerate(found):
                if i:
                    para += nodes.Text(", ")
                uri = app.builder.get_relative_uri(fromdocname, docname) + "#" + mention["anchor"]
                para += nodes.reference("", mention["anchor"], refuri=uri, internal=True)
            entries += nodes.list_item("", para, ids=[key])
        placeholder.replace_self(entries)


def link_names(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Point name references at the register page, or unlink them if there is none."""
    domain = _domain(app)
    pages = {kind: domain.register_page(kind) for kind in REGISTERS}
    for ref in list(doctree.findall(nodes.reference)):
        kind = ref.get("register")
        if not kind:
            continue
        page = pages.get(kind)
        if page is not None:
            ref["refuri"] = app.builder.get_relative_uri(fromdocname, page) + "#" + ref["key"]
            ref["internal"] = True
        else:
            inline = nodes.inline("", "", *ref.children, classes=ref["classes"])
            for attribute in ("register", "key"):
                inline[attribute] = ref[attribute]
            ref.replace_self(inline)
