"""The reader's page: the layout of a document page and its reading toolbar.

``reader.css`` sets the text at a book's measure with the apparatus beside it (or
below it on narrow screens), keeps the names calm and gives the page a print layout.
``reader.js`` adds the reading toolbar: highlighting of persons, places,
organisations and dates, and the apparatus layers shown or hidden; the reader's
choice is kept in ``localStorage``. Without scripts the page reads as the calm
default, with every layer shown. Both are static files of the site: the page's
Content-Security-Policy allows the edition's own scripts only.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_css_file("reader.css")
    app.add_js_file("reader.js", loading_method="defer")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
