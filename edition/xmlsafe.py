"""Safe XML parsing: no network, no external entities, no DTD loading.

Every stage of the pipeline parses TEI through this module, so that a hostile
file (XXE, entity bombs, external DTDs) is refused the same way everywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from edition.projectfiles import UnreadableFile, read_regular


class XMLInputError(Exception):
    """A file that cannot be parsed; carries file, line, column and rule."""

    def __init__(self, path: Path | str, line: int, column: int, rule: str, message: str) -> None:
        super().__init__(f"{path}:{line}:{column}: [{rule}] {message}")
        self.path = str(path)
        self.line = line
        self.column = column
        self.rule = rule
        self.message = message


def safe_parser(*, huge: bool = False) -> etree.XMLParser:
    """Return a parser that resolves nothing and reads nothing from outside."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=huge,
        remove_blank_text=False,
    )


def parse_file(path: Path | str) -> etree._ElementTree:
    """Parse a file safely, raising :class:`XMLInputError` with its position."""
    path = Path(path)
    try:
        data = read_regular(path)
    except UnreadableFile as exc:
        raise XMLInputError(path, 1, 1, exc.rule, exc.message) from None
    except OSError as exc:
        raise XMLInputError(path, 0, 0, "io", f"cannot read file: {exc.strerror}") from None
    if not data.strip():
        raise XMLInputError(path, 1, 1, "xml-empty", "the file is empty")
    try:
        root = etree.fromstring(data, safe_parser(), base_url=str(path.resolve()))
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        raise XMLInputError(path, line, col, "xml-wellformed", exc.msg) from None
    tree = root.getroottree()
    check_doctype(tree, path)
    return tree


def check_doctype(tree: etree._ElementTree, path: Path | str) -> None:
    """Refuse entity declarations and external DTDs: TEI needs neither.

    The parser already resolves nothing; refusing the declarations as well
    turns a silent loss of text (an unexpanded entity) into a clear error.
    """
    info = tree.docinfo
    if info.system_url or info.public_id:
        raise XMLInputError(path, 1, 1, "xml-dtd", f"external DTD {info.system_url or info.public_id!r} is not allowed; remove the DOCTYPE")
    dtd = info.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise XMLInputError(path, 1, 1, "xml-entity", "entity declarations are not allowed; write the characters themselves")


_ROOT_START = re.compile(r"<(?![?!])")


def write_tree(path: Path, tree: etree._ElementTree) -> None:
    """Write ``tree`` back to ``path``, keeping the file's prolog byte for byte.

    lxml would rewrite the XML declaration and join the ``xml-model`` lines;
    editors' diffs should show only what a tool really changed.
    """
    original = path.read_text(encoding="utf-8")
    match = _ROOT_START.search(original)
    prolog = original[: match.start()] if match else ""
    path.write_text(prolog + etree.tostring(tree.getroot(), encoding="unicode") + "\n", encoding="utf-8")
