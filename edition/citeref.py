"""Canonical references: every citable unit of a document, from its ``citeStructure``.

Each document declares in ``teiHeader/encodingDesc/refsDecl`` how it is cited
(TEI P5, 16.2.5.4 "Citation Structures"). This module evaluates that
declaration generically, so that ``dikova:4.3.12`` (chapter 4, section 3,
paragraph 12) means whatever the document says it means:

* ``@match`` selects the units: an absolute XPath on a top-level
  ``citeStructure``, relative to each unit of the parent structure when nested;
* ``@use`` is evaluated on each unit and gives its reference segment;
* ``@delim`` is written before that segment;
* ``@unit`` names the kind of unit (``chapter``, ``paragraph``, ``slide`` …).

TEI writes these XPaths without prefixes, meaning TEI names; lxml speaks XPath
1.0, which has no default element namespace, so :func:`tei_xpath` adds the
``tei:`` prefix to every unprefixed name test. ``position()`` and ``last()`` at
the top level of ``@use`` mean the unit's place among its siblings matched by
the same structure (XPath's context position), which lxml cannot set, so they
are replaced by those numbers before evaluation.

The canonical reference of a unit is ``{key}:{reference}``: the document key
(the ``xml:id`` of the ``TEI`` root) and the reference built from the segments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from edition.filenames import key_problem, name_problem
from edition.xmlsafe import parse_file

TEI = "http://www.tei-c.org/ns/1.0"
NS = {"tei": TEI}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


class CiteStructureError(Exception):
    """A document whose citation structure is missing, selects nothing or is ambiguous,
    or whose key or references cannot be file names; ``line``: where (0 if unknown)."""

    def __init__(self, message: str, line: int | None = 0) -> None:
        super().__init__(message)
        self.line = line or 0


@dataclass(frozen=True)
class CitableUnit:
    """One node that the document's ``citeStructure`` makes citable."""

    document: str  #: document key, e.g. ``dikova``
    ref: str  #: canonical reference, e.g. ``dikova:4.3.12``
    local: str  #: the reference inside the document, e.g. ``4.3.12``
    segments: tuple[str, ...]  #: the ``@use`` values from the top down, e.g. ``("4", "3", "12")``
    xml_id: str | None  #: the unit's ``xml:id`` (its HTML anchor)
    unit: str  #: ``@unit`` of its citeStructure, else the element's name
    parent: str | None  #: canonical reference of the enclosing unit (``None`` at level 1)
    level: int  #: 1 for units of a top-level citeStructure
    element: etree._Element = field(compare=False, hash=False, repr=False)
    built: str = field(default="", compare=False, repr=False)  #: the reference exactly as the citeStructure builds it


# --- XPath: TEI names without prefixes -> lxml with a tei: prefix -------------

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<literal>"[^"]*"|'[^']*')
    |(?P<number>\d+(?:\.\d*)?|\.\d+)
    |(?P<op>\.\.|//|::|!=|<=|>=|[/|+=<>()\[\],@$*.-])
    |(?P<name>[A-Za-z_][\w.\-]*(?::(?:[A-Za-z_][\w.\-]*|\*))?)
    """,
    re.VERBOSE,
)
#: Tokens after which ``*`` is a name test and ``and``/``or``/``div``/``mod`` are names
#: (XPath 1.0, 3.7 "Lexical Structure").
_OPERAND_EXPECTED = {"@", "::", "(", "[", ",", "/", "//", "|", "+", "-", "=", "!=", "<", "<=", ">", ">=", "*", "and", "or", "div", "mod"}
_OPERATOR_NAMES = {"and", "or", "div", "mod"}


def _tokens(expr: str) -> list[tuple[str, str]]:
    """Split an XPath 1.0 expression into ``(kind, text)`` tokens, whitespace kept."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m:
            raise CiteStructureError(f"cannot read XPath {expr!r} at {expr[pos:]!r}")
        kind = m.lastgroup or ""
        tokens.append((kind, m.group()))
        pos = m.end()
    return tokens


def _rewrite(expr: str, context: dict[str, str] | None = None) -> str:
    """Prefix unprefixed name tests with ``tei:``; substitute top-level position()/last()."""
    tokens = _tokens(expr)
    significant = [i for i, (kind, _) in enumerate(tokens) if kind != "ws"]
    out = [text for _, text in tokens]
    depth = 0  # predicate depth: inside [...] the context position is another one
    previous: str | None = None
    for n, i in enumerate(significant):
        kind, text = tokens[i]
        following = tokens[significant[n + 1]][1] if n + 1 < len(significant) else None
        is_operator_name = text in _OPERATOR_NAMES and previous is not None and previous not in _OPERAND_EXPECTED
        if text == "[":
            depth += 1
        elif text == "]":
            depth -= 1
        elif kind == "name" and following == "(":
            if context and depth == 0 and text in context and following == "(":
                close = significant[n + 2] if n + 2 < len(significant) else None
                if close is not None and tokens[close][1] == ")":
                    out[i] = context[text]
                    out[significant[n + 1]] = ""
                    out[close] = ""
        elif (
            kind == "name"
            and ":" not in text
            and following != "::"
            and previous not in ("@", "$")
            and not is_operator_name
            and not (previous == "::" and tokens[significant[n - 2]][1] in ("attribute", "namespace"))
        ):
            out[i] = f"tei:{text}"
        previous = "and" if is_operator_name else text
    return "".join(out)


#: What a citeStructure's XPaths may hold: the forms the edition's documents use. An XPath is
#: evaluated once per unit (``@use``) or per unit of the parent structure (a nested
#: ``@match``), so a search of the whole document in it (``//``, ``ancestor::``,
#: ``following::`` …) would make the work grow with the square or the cube of the document:
#: ``count(//node()[count(//node())])`` hangs a build. Only a top-level ``@match`` may
#: begin with ``/`` or ``//``, and it is evaluated once.
_USE_FUNCTIONS = frozenset({"position", "last", "concat", "sum", "count", "string", "normalize-space", "number",
                            "substring", "substring-before", "substring-after", "string-length", "translate",
                            "not", "text"})
_MATCH_FUNCTIONS = frozenset({"not", "text", "position", "last"})
_USE_AXES = frozenset({"attribute", "child", "self", "parent", "preceding-sibling", "following-sibling"})
_MATCH_AXES = frozenset({"attribute", "child", "self"})


def xpath_problem(expr: str, *, use: bool, top: bool) -> str | None:
    """Why ``expr`` is not one of the forms a citeStructure's ``@use`` (``use``) or ``@match``
    may have (``top``: of a top-level citeStructure); None if it is one."""
    try:
        tokens = [(k, t) for k, t in _tokens(expr) if k != "ws"]
    except CiteStructureError as exc:
        return str(exc)
    functions, axes = (_USE_FUNCTIONS, _USE_AXES) if use else (_MATCH_FUNCTIONS, _MATCH_AXES)
    depth = 0  # inside a predicate, an XPath is evaluated once per node it filters
    for i, (kind, text) in enumerate(tokens):
        following = tokens[i + 1][1] if i + 1 < len(tokens) else None
        depth += {"[": 1, "]": -1}.get(text, 0)
        if text == "//" and not (top and not use and depth == 0):
            return "'//' searches the whole document for each unit it is evaluated for"
        if text == "/" and i == 0 and (use or not top):
            return "an absolute path is evaluated for each unit: only a top-level @match may start with '/'"
        if kind == "name" and following == "::" and text not in axes:
            return f"the axis {text}:: is not one the edition's citation structures use ({', '.join(sorted(axes))})"
        if kind == "name" and following == "(" and text not in functions and not text == "node":
            return f"the function {text}() is not one the edition's citation structures use ({', '.join(sorted(functions))})"
        if text == "$":
            return "variables are not allowed"
    return None


def tei_xpath(expr: str) -> str:
    """Return ``expr`` with every unprefixed element name test in the TEI namespace.

    >>> tei_xpath("//body/div[@type='chapter']")
    "//tei:body/tei:div[@type='chapter']"
    """
    return _rewrite(expr)


def _segment(value: object) -> str:
    """The string value of an XPath result, as XPath's ``string()`` would give it."""
    if isinstance(value, list):
        value = value[0] if value else ""
        if isinstance(value, etree._Element):
            value = "".join(value.itertext())
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return " ".join(str(value).split())


# --- evaluation ---------------------------------------------------------------


def cite_structures(tree: etree._ElementTree) -> list[etree._Element]:
    """The top-level ``citeStructure`` elements of the document's default ``refsDecl``.

    A document may declare several ``refsDecl``; the first one with a
    ``citeStructure`` is the default citation scheme.
    """
    for refs in tree.getroot().iterfind("tei:teiHeader/tei:encodingDesc/tei:refsDecl", NS):
        found = refs.findall("tei:citeStructure", NS)
        if found:
            return found
    return []


def document_key(tree: etree._ElementTree) -> str:
    """The document key: the ``xml:id`` (or ``@n``) of the ``TEI`` root."""
    root = tree.getroot()
    key = root.get(XML_ID) or root.get("n")
    if not key:
        raise CiteStructureError("the TEI root has neither xml:id nor n: no document key for canonical references",
                                 root.sourceline)
    problem = key_problem(key)
    if problem:
        raise CiteStructureError(f"the document key {key[:120]!r} (the TEI root's xml:id or n) cannot be a file name: "
                                 f"{problem}", root.sourceline)
    return key


def _canonical(key: str, built: str) -> tuple[str, str]:
    """``(canonical, local)`` from the reference the citeStructure builds.

    A document may put its key into the reference itself (top-level
    ``delim="dikova:"``, so that the declared structure yields the canonical
    form) or leave it out; either way the canonical reference is ``key:local``.
    """
    local = built[len(key) + 1 :] if built.startswith(f"{key}:") else built.lstrip(":")
    return f"{key}:{local}", local


def _walk(
    structure: etree._Element,
    context: etree._Element | etree._ElementTree,
    parent: CitableUnit | None,
    key: str,
    level: int,
    found: list[CitableUnit],
    selected: dict[etree._Element, int],
) -> None:
    match = structure.get("match")
    use = structure.get("use")
    if not match or not use:
        raise CiteStructureError(f"{key}: citeStructure on line {structure.sourceline} lacks @match or @use", structure.sourceline)
    for attribute, expr in (("match", match), ("use", use)):
        problem = xpath_problem(expr, use=attribute == "use", top=parent is None)
        if problem:
            raise CiteStructureError(f"{key}: citeStructure @{attribute} {expr[:120]!r} (line {structure.sourceline}): "
                                     f"{problem}", structure.sourceline)
    try:
        nodes = context.xpath(tei_xpath(match), namespaces=NS)
    except etree.XPathError as exc:
        raise CiteStructureError(f"{key}: citeStructure @match {match!r} (line {structure.sourceline}): {exc}",
                                 structure.sourceline) from None
    if not isinstance(nodes, list):
        raise CiteStructureError(f"{key}: citeStructure @match {match!r} does not select nodes", structure.sourceline)
    elements = [n for n in nodes if isinstance(n, etree._Element)]
    selected[structure] = selected.get(structure, 0) + len(elements)
    delim = structure.get("delim") or ""
    unit_name = structure.get("unit")
    children = structure.findall("tei:citeStructure", NS)
    for position, node in enumerate(elements, start=1):
        expr = _rewrite(use, {"position": str(position), "last": str(len(elements))})
        try:
            segment = _segment(node.xpath(expr, namespaces=NS))
        except etree.XPathError as exc:
            raise CiteStructureError(f"{key}: citeStructure @use {use!r} (line {structure.sourceline}): {exc}",
                                     structure.sourceline) from None
        if not segment:
            where = node.get(XML_ID) or f"line {node.sourceline}"
            raise CiteStructureError(f"{key}: @use {use!r} gives an empty reference segment for <{etree.QName(node).localname}> ({where})",
                                     node.sourceline)
        built = (parent.built if parent else "") + delim + segment
        ref, local = _canonical(key, built)
        unit = CitableUnit(
            document=key,
            ref=ref,
            local=local,
            built=built,
            segments=(parent.segments if parent else ()) + (segment,),
            xml_id=node.get(XML_ID),
            unit=unit_name or etree.QName(node).localname,
            parent=parent.ref if parent else None,
            level=level,
            element=node,
        )
        found.append(unit)
        for child in children:
            _walk(child, node, unit, key, level + 1, found, selected)


def citable_units(tree: etree._ElementTree, key: str | None = None) -> list[CitableUnit]:
    """Every citable unit of a document, in document order (pre-order).

    Raises :class:`CiteStructureError` when the document declares no
    ``citeStructure``, when a top-level structure selects nothing, when a
    segment is empty, or when two units get the same reference.
    """
    key = key or document_key(tree)
    structures = cite_structures(tree)
    if not structures:
        raise CiteStructureError(f"{key}: no refsDecl/citeStructure in the teiHeader: the document cannot be cited",
                                 tree.getroot().sourceline)
    found: list[CitableUnit] = []
    selected: dict[etree._Element, int] = {}
    for structure in structures:
        _walk(structure, tree, None, key, 1, found, selected)
    for structure in structures:
        if not selected.get(structure):
            raise CiteStructureError(
                f"{key}: citeStructure match={structure.get('match')!r} (line {structure.sourceline}) selects nothing",
                structure.sourceline)
    order = {el: n for n, el in enumerate(tree.getroot().iter())}
    found.sort(key=lambda u: (order[u.element], u.level))
    seen: dict[str, CitableUnit] = {}
    for unit in found:
        if unit.ref in seen:
            first = seen[unit.ref]
            raise CiteStructureError(
                f"{key}: reference {unit.ref!r} is given to two units ({first.xml_id or first.element.sourceline} and "
                f"{unit.xml_id or unit.element.sourceline}): the citeStructure is ambiguous",
                unit.element.sourceline)
        seen[unit.ref] = unit
        problem = name_problem(unit.ref)
        if problem:
            # The reference names files (cite/…, api/dts/navigation/{key}/{ref}.json).
            raise CiteStructureError(f"{key}: reference {unit.ref[:120]!r} cannot be a file name: {problem}",
                                     unit.element.sourceline)
    return found


def unused_structures(tree: etree._ElementTree) -> list[str]:
    """Nested ``citeStructure``s that select nothing anywhere in the document (a likely typo)."""
    found: list[CitableUnit] = []
    selected: dict[etree._Element, int] = {}
    key = document_key(tree)
    for structure in cite_structures(tree):
        _walk(structure, tree, None, key, 1, found, selected)
    problems = []
    for structure in tree.getroot().iterfind(".//tei:refsDecl//tei:citeStructure", NS):
        if structure in selected and not selected[structure]:
            problems.append(f"{key}: citeStructure match={structure.get('match')!r} (line {structure.sourceline}) selects nothing")
    return problems


def document_units(path: Path | str) -> list[CitableUnit]:
    """The citable units of the TEI file at ``path``."""
    return citable_units(parse_file(path))


def edition_units(paths: list[Path] | None = None) -> dict[str, list[CitableUnit]]:
    """The citable units of every document of the edition, by document key."""
    from edition.documents import document_paths

    units: dict[str, list[CitableUnit]] = {}
    for path in paths if paths is not None else document_paths():
        tree = parse_file(path)
        units[document_key(tree)] = citable_units(tree)
    return units


def citation_tree(tree: etree._ElementTree) -> list[dict[str, object]]:
    """The declared structure as nested ``{"citeType": unit, "citeStructure": [...]}`` (for DTS)."""

    def describe(structure: etree._Element) -> dict[str, object]:
        entry: dict[str, object] = {"@type": "CiteStructure", "citeType": structure.get("unit") or structure.get("match", "")}
        children = [describe(c) for c in structure.findall("tei:citeStructure", NS)]
        if children:
            entry["citeStructure"] = children
        return entry

    return [describe(s) for s in cite_structures(tree)]
