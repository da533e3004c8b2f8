"""The sidebar's table of contents of a document page, from entries shared by a folder's pages.

Sphinx resolves the whole table again for every page (``global_toctree_for_doc``):
every toctree of the root document, every entry copied twice. The table lists every
document, so a page costs more as the edition grows and all pages together cost the
square of its size: at 100× a third of the writers' time (ninth session's profile),
about 0.14 s a page.

Two pages of one folder see the same table but for the entries on their own path:
the page's entry and those of the documents that include it (marked ``current``,
and expanded where the toctree allows), and the classes of the lists that hold them.
:func:`local_toctree` therefore assembles the table from

* every entry as Sphinx resolves it for a page of the folder that no toctree lists
  (resolved once per folder and process, each entry in a toctree that holds it alone),
* the one entry on the page's path in each toctree, as Sphinx resolves it for the
  page itself (in a toctree that holds it alone), with the classes Sphinx then gives
  that toctree's list and caption,

in the order of the root document's toctrees, and renders it with the builder's
translator. Where the two could differ, Sphinx's own table is used: on the root
document's page (its ``self`` entries), and where a page's path crosses one toctree
at two entries. With ``EDITION_CHECK_SIDEBAR=1`` every page is also given Sphinx's
own table and the build fails where they differ (the tests build the edition and
the corpora so).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Set
from dataclasses import dataclass
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ExtensionError
from sphinx.util import url_re

from sphinx.environment.adapters.toctree import TocTree

#: Set (to anything) to compare every assembled table with Sphinx's own.
CHECK_ENV = "EDITION_CHECK_SIDEBAR"
#: The name of the page, in a folder, that no toctree lists.
NOBODY = "\x00sidebar"


@dataclass
class Shared:
    """One toctree of the root document as every page of a folder sees it, except its own entry."""

    toctree: addnodes.toctree
    #: One entry's resolution (None: no entry has a title); only its own node is copied, for the
    #: attributes Sphinx gives the toctree's compact paragraph.
    root: nodes.Element | None
    caption: nodes.Element | None
    bullets: nodes.Element | None
    #: Per entry, the list items Sphinx resolves for it.
    items: list[list[nodes.Element]]


def alone(toctree: addnodes.toctree, entry: tuple[str | None, str]) -> addnodes.toctree:
    """A copy of ``toctree`` that holds ``entry`` alone (its options and caption kept)."""
    one = toctree.copy()
    one["entries"] = [entry]
    return one


def resolve(builder: Any, docname: str, toctree: addnodes.toctree, options: dict[str, Any]) -> nodes.Element | None:
    """Sphinx's resolution of ``toctree`` for the page ``docname``."""
    return TocTree(builder.env).resolve(docname, builder, toctree, **options)


def parts(resolved: nodes.Element | None) -> tuple[nodes.Element | None, nodes.Element | None, list[nodes.Element]]:
    """(caption, bullet list, list items) of a resolved toctree."""
    if resolved is None:
        return None, None, []
    caption = next((c for c in resolved.children if isinstance(c, nodes.title)), None)
    bullets = next((c for c in resolved.children if isinstance(c, nodes.bullet_list)), None)
    return caption, bullets, list(bullets.children) if bullets is not None else []


def share(builder: Any, folder_page: str, toctree: addnodes.toctree, options: dict[str, Any]) -> Shared:
    """The toctree as the pages of ``folder_page``'s folder see it, entry by entry."""
    items: list[list[nodes.Element]] = []
    root = caption = bullets = None
    for entry in toctree["entries"]:
        resolved = resolve(builder, folder_page, alone(toctree, entry), options)
        found_caption, found_bullets, found = parts(resolved)
        items.append(found)
        if root is None and resolved is not None:
            root, caption, bullets = resolved, found_caption, found_bullets
    return Shared(toctree, root, caption, bullets, items)


def on_path(entry: tuple[str | None, str], toctree: addnodes.toctree, docname: str, ancestors: Set[str]) -> bool:
    """Does the page ``docname`` (with the documents that include it, ``ancestors``) change
    how ``entry`` resolves?"""
    ref = entry[1]
    if url_re.match(ref):
        return False
    if ref == "self":
        return toctree["parent"] == docname
    return ref in ancestors or ref == docname


def assemble(builder: Any, docname: str, shared: list[Shared], options: dict[str, Any]) -> nodes.Element | None:
    """The table for ``docname`` from the folder's ``shared`` toctrees; raises LookupError
    where only Sphinx's own resolution is right (a path through two entries of one toctree)."""
    ancestors = set(TocTree(builder.env).get_toctree_ancestors(docname))
    result: nodes.Element | None = None
    for part in shared:
        entries = part.toctree["entries"]
        path = [i for i, entry in enumerate(entries) if on_path(entry, part.toctree, docname, ancestors)]
        if len(path) > 1:
            raise LookupError(docname)
        items = list(part.items)
        root, caption, bullets = part.root, part.caption, part.bullets
        if path:
            own = resolve(builder, docname, alone(part.toctree, entries[path[0]]), options)
            own_caption, own_bullets, items[path[0]] = parts(own)
            if own is not None:
                root, caption, bullets = own, own_caption, own_bullets
        flat = [item for group in items for item in group]
        if root is None or bullets is None or not flat:
            continue  # Sphinx shows nothing for a toctree without titles
        table = root.copy()
        if caption is not None:
            table += caption.deepcopy()
        listing = bullets.copy()
        listing.extend(flat)  # the shared items are not copied: they are only rendered
        table += listing
        if result is None:
            result = table
        else:
            result.extend(table.children)
    return result


def options_of(builder: Any, collapse: bool, kwargs: dict[str, Any]) -> dict[str, Any]:
    """``TocTree.resolve``'s options as ``global_toctree_for_doc`` passes them (the builder's
    tags are passed by ``resolve`` itself)."""
    return {"prune": True, "maxdepth": int(kwargs.get("maxdepth", 0) or 0),
            "titles_only": bool(kwargs.get("titles_only", False)), "collapse": collapse,
            "includehidden": bool(kwargs.get("includehidden", False))}


def local_toctree(app: Any, docname: str, collapse: bool, kwargs: dict[str, Any],
                  cache: dict[tuple[str, bool, str], list[Shared]], sphinx_own: Callable[[str], str]) -> str:
    """The sidebar table of the document page ``docname`` (HTML), as ``sphinx_own(docname)`` gives it.

    ``cache`` keeps each folder's shared toctrees for the builder (one build, one process).
    """
    from edition.sphinxext.parallel import render_fragment

    builder, env = app.builder, app.env
    if docname == builder.config.root_doc:
        return sphinx_own(docname)
    folder = docname.rpartition("/")[0]
    options = options_of(builder, collapse, kwargs)
    key = (folder, collapse, repr(sorted(options.items())))
    if key not in cache:
        nobody = f"{folder}/{NOBODY}" if folder else NOBODY
        cache[key] = [share(builder, nobody, toctree, options)
                      for toctree in env.master_doctree.findall(addnodes.toctree)]
    try:
        table = assemble(builder, docname, cache[key], options)
    except LookupError:
        return sphinx_own(docname)
    html = render_fragment(app, table) if table is not None else ""
    if os.environ.get(CHECK_ENV):
        expected = sphinx_own(docname)
        if html != expected:
            raise ExtensionError(f"{docname}: the assembled sidebar differs from Sphinx's own "
                                 f"({len(html)} against {len(expected)} characters)")
    return html
