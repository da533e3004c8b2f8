"""``edition validate``: check TEI files against the edition's rules.

Four steps, each reporting :class:`Problem` s with file, line, column, rule id,
message and advice:

1. well-formedness (safe parsing, :mod:`edition.xmlsafe`);
2. the grammar ``tei/schema/edition.rng`` (the edition's subset of TEI P5), preceded
   by precise checks of the element list and closed value lists of the ODD, whose
   messages say more than libxml2's;
3. the Schematron rules ``tei/schema/edition.sch`` (their ids are the rule ids);
4. checks over all files at once: ``xml:id`` unique across the edition, every
   ``#pointer`` resolves, every file carries its ``xml-model`` instructions.

Among the single-file checks, :func:`check_emendation_pairs` warns of a ``corr`` without
the ``sic`` it corrects and of a ``sic`` without its ``corr`` (the schemas allow both).

The compiled schemas are cached per process. Given a ``cache`` directory (``edition
build`` gives one), the problems of the single-file steps and of the untagged-names
check are kept per file, under a digest of the file, the schemas, the registers and
this code, so that only changed files are checked again. The checks over all files
always run, over each file's ids and pointers (:func:`file_ids`), which are kept the
same way: an unchanged file is not even parsed. :func:`validate_tei_all` checks against the full ``tei_all.rng`` instead
(slow to load, used by the tests).
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree, isoschematron

from edition.citeref import CiteStructureError, citable_units, cite_structures
from edition.documents import ROOT, edition_files, register_paths
from edition.filenames import MAX_NAME
from edition.schema import ODD_PATH, RNG_PATH, SCH_PATH, TEI_ALL_PATH, odd_rules
from edition.xmlsafe import XMLInputError, file_encoding, is_utf8, parse_file

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
SVRL_NS = {"svrl": "http://purl.oclc.org/dsdl/svrl"}

#: Attributes whose ``#fragment`` values must name an xml:id of the edition.
POINTER_ATTRIBUTES = ("ref", "target", "corresp", "resp", "who", "ana", "source", "scheme", "sameAs", "prev", "next")

#: What a register entry is, by element: used to name the kind of a pointer's target.
ENTRY_KINDS = {
    "person": "person",
    "personGrp": "person",
    "place": "place",
    "org": "org",
    "bibl": "bibl",
    "biblStruct": "bibl",
}
#: What a pointer should point at, by (element, attribute); "*" is any element.
EXPECTED_KINDS = {
    ("persName", "ref"): "person",
    ("placeName", "ref"): "place",
    ("orgName", "ref"): "org",
    ("*", "source"): "bibl",
}
#: The same for a typed element: (element, @type, attribute), e.g. a footnote's citation.
EXPECTED_KINDS_TYPED = {
    ("ref", "bibl", "target"): "bibl",
}
#: The register file that holds each kind of entry (for the advice).
REGISTER_OF = {"person": "tei/persons.xml", "place": "tei/places.xml", "org": "tei/orgs.xml", "bibl": "tei/bibliography.xml"}

XML_MODEL_HREFS = ("schema/edition.rng", "schema/edition.sch")


@dataclass(frozen=True)
class Problem:
    """One finding, located in a file."""

    path: str  #: relative to the repository root when inside it
    line: int
    column: int
    rule: str
    message: str
    advice: str
    severity: str = "error"  #: 'error' | 'warning'

    def format(self) -> str:
        label = "" if self.severity == "error" else "warning: "
        head = f"{self.path}:{self.line}:{self.column}: [{self.rule}] {label}{self.message}"
        return f"{head}\n    {self.advice}" if self.advice else head


@dataclass
class Report:
    """The problems found in a set of files."""

    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings do not fail validation)."""
        return not self.errors

    def sorted(self) -> list[Problem]:
        """Errors first, then warnings; each by file and position."""
        return sorted(self.problems, key=lambda p: (p.severity != "error", p.path, p.line, p.column, p.rule))

    def format_text(self) -> str:
        lines = [p.format() for p in self.sorted()]
        n_err, n_warn = len(self.errors), len(self.warnings)
        lines.append(
            f"edition validate: {len(self.files)} file{'s' * (len(self.files) != 1)}, "
            f"{n_err} error{'s' * (n_err != 1)}, {n_warn} warning{'s' * (n_warn != 1)}"
        )
        return "\n".join(lines)

    def format_json(self) -> str:
        return json.dumps(
            {
                "ok": self.ok,
                "files": self.files,
                "errors": [asdict(p) for p in self.sorted() if p.severity == "error"],
                "warnings": [asdict(p) for p in self.sorted() if p.severity == "warning"],
            },
            ensure_ascii=False,
            indent=2,
        )


def display_path(path: Path) -> str:
    """A path as the report shows it: relative to the repository root when inside it."""
    for absolute in (Path(os.path.abspath(path)), Path(path).resolve()):  # a link is shown by its own name
        try:
            return str(absolute.relative_to(ROOT))
        except ValueError:
            pass
    return str(path)


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


# --------------------------------------------------------------------------- schemas (cached)


@lru_cache(maxsize=1)
def edition_rng() -> etree.RelaxNG:
    """The edition's grammar, compiled once per process."""
    return etree.RelaxNG(etree.parse(str(RNG_PATH)))


@lru_cache(maxsize=1)
def edition_schematron() -> isoschematron.Schematron:
    """The edition's Schematron, compiled once per process."""
    return isoschematron.Schematron(etree.parse(str(SCH_PATH)), store_report=True)


@lru_cache(maxsize=1)
def tei_all_rng() -> etree.RelaxNG:
    """The full TEI P5 grammar (about 14 s to compile)."""
    return etree.RelaxNG(etree.parse(str(TEI_ALL_PATH)))


# --------------------------------------------------------------------------- single-file steps


def _parse(path: Path, shown: str) -> tuple[etree._ElementTree | None, list[Problem]]:
    if path.is_symlink() and path.is_relative_to(ROOT):
        return None, [Problem(shown, 1, 1, "symlink", f"a symbolic link (to {os.readlink(path)})",
                              "the edition reads only regular files inside the project: put the file itself here")]
    try:
        return parse_file(path), []
    except XMLInputError as exc:
        duplicate = re.match(r"ID (\S+) already defined", exc.message)
        if duplicate:  # libxml2 refuses a repeated xml:id in one file: say which, and where the first is
            first = _first_line_of_id(path, duplicate[1])
            return None, [Problem(shown, exc.line, exc.column, "xmlid-unique",
                                  f"xml:id {duplicate[1]} already used in {shown}:{first}", _UNIQUE_ADVICE)]
        advice = {
            "xml-wellformed": "fix the markup at this position (an unclosed or mismatched tag, a bare & or <)",
            "xml-entity": "use the characters themselves; entity declarations are refused",
            "xml-empty": "the file must contain a TEI document",
            "io": "check the path",
        }.get(exc.rule, "")
        return None, [Problem(shown, exc.line, exc.column, exc.rule, exc.message, advice)]


_UNIQUE_ADVICE = (
    "ids are unique across the whole edition: give this element the next free id "
    "(`edition new-id`) and keep the older one"
)


def _first_line_of_id(path: Path, ident: str) -> int:
    """The line of the first ``xml:id="ident"`` in a file that does not parse (0 if none)."""
    pattern = re.compile(r"""xml:id\s*=\s*["']%s["']""" % re.escape(ident))
    for number, line in enumerate(Path(path).read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if pattern.search(line):
            return number
    return 0


def _local(el: etree._Element) -> str | None:
    """The local name of a TEI element, or None for anything else."""
    tag = el.tag
    if isinstance(tag, str) and tag.startswith("{%s}" % TEI_NS):
        return tag[len(TEI_NS) + 2:]
    return None


def check_odd(tree: etree._ElementTree, shown: str) -> list[Problem]:
    """Elements outside the edition's subset and values outside the closed lists."""
    rules = odd_rules()
    problems = []
    for el in tree.getroot().iter():
        if not isinstance(el.tag, str):
            continue
        name = _local(el)
        if name is None:
            problems.append(
                Problem(shown, el.sourceline or 0, 1, "odd-element", f"element {el.tag} is not in the TEI namespace",
                        "the edition's documents contain TEI elements only")
            )
            continue
        if name not in rules.elements:
            problems.append(
                Problem(shown, el.sourceline or 0, 1, "odd-element",
                        f"<{name}> is not one of the elements the edition uses",
                        "use an element listed in tei/schema/edition.odd, or add it there (an editorial decision)")
            )
        # Not attrib.items(): lxml looks each value up by name, in time growing with the number
        # of attributes (200,000 attributes on one element took hours); "@*" reads them in one pass.
        for attribute in el.xpath("@*"):
            att, value = attribute.attrname, str(attribute)
            allowed = rules.values_for(name, att)
            if allowed is not None and value not in allowed:
                close = difflib.get_close_matches(value, allowed, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                problems.append(
                    Problem(shown, el.sourceline or 0, 1, "odd-value",
                            f"{name}/@{att}={value!r} is not in the closed list",
                            f"{hint}allowed: {', '.join(allowed)} (tei/schema/edition.odd)")
                )
    return problems


def check_rng(tree: etree._ElementTree, shown: str, rng: etree.RelaxNG, rule: str = "rng") -> list[Problem]:
    """The grammar's verdict, one problem per libxml2 error."""
    if rng.validate(tree):
        return []
    advice = (
        "the grammar is tei/schema/edition.rng (derived from tei/schema/edition.odd)"
        if rule == "rng"
        else "the document is not valid TEI P5 (tei_all.rng)"
    )
    return [Problem(shown, e.line, max(e.column, 1), rule, _clean(e.message), advice) for e in rng.error_log]


def _located(tree: etree._ElementTree, location: str) -> int:
    """The source line of the node an SVRL location points at (0 if it cannot be found)."""
    try:
        found = tree.xpath(location)
    except etree.XPathError:
        return 0
    node = found[0] if isinstance(found, list) and found else None
    if node is None:
        return 0
    if not isinstance(node, etree._Element):  # an attribute or text: its element carries the line
        node = node.getparent()
    return node.sourceline or 0 if node is not None else 0


def check_schematron(tree: etree._ElementTree, shown: str) -> list[Problem]:
    """The Schematron rules; the assertion's id is the rule id, its diagnostic the advice."""
    schematron = edition_schematron()
    if schematron.validate(tree):
        return []
    problems = []
    for fired in schematron.validation_report.xpath(
        "//svrl:failed-assert | //svrl:successful-report", namespaces=SVRL_NS
    ):
        advice = "; ".join(_clean("".join(d.itertext())) for d in fired.xpath("svrl:diagnostic-reference", namespaces=SVRL_NS))
        problems.append(
            Problem(
                shown,
                _located(tree, fired.get("location", "")),
                1,
                fired.get("id") or "schematron",
                _clean("".join(fired.xpath("svrl:text//text()", namespaces=SVRL_NS))),
                advice,
            )
        )
    return problems


def check_xml_model(tree: etree._ElementTree, shown: str) -> list[Problem]:
    """The two ``xml-model`` instructions that let editors validate as they type."""
    hrefs = set()
    node = tree.getroot().getprevious()
    while node is not None:
        if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-model":
            hrefs.add(node.get("href"))
        node = node.getprevious()
    return [
        Problem(shown, 1, 1, "xml-model", f"no <?xml-model href=\"{href}\"?> before the root element",
                "start the file with the two xml-model instructions of tei/ENCODING.md", "warning")
        for href in XML_MODEL_HREFS
        if href not in hrefs
    ]


#: The two halves of a correction: (rule, the half, its partner, what goes wrong, advice).
HALF_PAIRS = (
    ("corr-without-sic", "corr", "sic", "the source's reading is not recorded",
     "put the source's reading beside it: <choice><sic>…</sic><corr resp=… cert=…>…</corr></choice>; "
     "a word the source lacks is <supplied>"),
    ("sic-without-corr", "sic", "corr", "the reader is given no correction",
     "add <corr resp=… cert=…> in the same <choice>; a reading that stays as printed gets an "
     "editorial note (<note type=\"editorial\">) instead of a <sic>"),
)


def check_emendation_pairs(tree: etree._ElementTree, shown: str) -> list[Problem]:
    """A ``corr`` needs the ``sic`` it corrects and a ``sic`` the ``corr`` beside it, in one ``choice``.

    Without the ``sic`` the source's reading is lost from the apparatus and the diplomatic
    reading; without the ``corr`` the reader is told of a slip but not given the reading.
    TEI allows both, so this is a warning, not an error.
    """
    problems = []
    for rule, half, partner, wrong, advice in HALF_PAIRS:
        for el in tree.xpath(f"//tei:text//tei:{half}[not(parent::tei:choice/tei:{partner})]", namespaces={"tei": TEI_NS}):
            text = _clean("".join(el.itertext()))[:40]
            problems.append(Problem(shown, el.sourceline or 0, 1, rule,
                                    f"<{half}>{text}</{half}> has no <{partner}> beside it: {wrong}", advice, "warning"))
    return problems


# --------------------------------------------------------------------------- cross-file checks


@dataclass(frozen=True)
class _Target:
    shown: str
    line: int
    kind: str | None  #: register kind of the element, if it is an entry


def _ids(tree: etree._ElementTree) -> Iterator[tuple[str, etree._Element]]:
    for el in tree.getroot().iter():
        if isinstance(el.tag, str):
            value = el.get(XML_ID)
            if value is not None:
                yield value, el


def _pointers(tree: etree._ElementTree) -> Iterator[tuple[etree._Element, str, str]]:
    """(element, attribute, id) for every ``#id`` token in a pointer attribute."""
    for el in tree.getroot().iter():
        if not isinstance(el.tag, str):
            continue
        for att in POINTER_ATTRIBUTES:
            value = el.get(att)
            if value:
                for token in value.split():
                    if token.startswith("#") and len(token) > 1:
                        yield el, att, token[1:]


#: One file's ids as (xml:id, line, entry kind) and pointers as (line, element, @type,
#: attribute, id), in document order: what the checks over all files need of it.
FileIds = tuple[list[tuple[str, int, str | None]], list[tuple[int, str, str, str, str]]]


def file_ids(tree: etree._ElementTree) -> FileIds:
    """The ids and pointers of one file (see :data:`FileIds`)."""
    ids = [(value, el.sourceline or 0, ENTRY_KINDS.get(_local(el) or "")) for value, el in _ids(tree)]
    pointers = [(el.sourceline or 0, _local(el) or "", el.get("type") or "", att, ident)
                for el, att, ident in _pointers(tree)]
    return ids, pointers


def check_cross_file(checked: list[tuple[str, FileIds]], pool: list[tuple[str, FileIds]]) -> list[Problem]:
    """Ids unique over ``pool`` (reported in ``checked``); pointers in ``checked`` resolve in ``pool``."""
    problems: list[Problem] = []
    checked_paths = {shown for shown, _ in checked}
    targets: dict[str, _Target] = {}
    # The pool is walked in its order, so the first holder of an id is the one kept;
    # checked files come after the rest so a new duplicate is blamed on them.
    ordered = [item for item in pool if item[0] not in checked_paths] + checked
    for shown, (ids, _) in ordered:
        for value, line, kind in ids:
            first = targets.get(value)
            if first is None:
                targets[value] = _Target(shown, line, kind)
            elif shown in checked_paths:
                problems.append(
                    Problem(shown, line, 1, "xmlid-unique",
                            f"xml:id {value} already used in {first.shown}:{first.line}",
                            "ids are unique across the whole edition: give this element the next free id "
                            "(`edition new-id`) and keep the older one")
                )
    by_kind: dict[str | None, list[str]] = {}
    for value, target in targets.items():
        by_kind.setdefault(target.kind, []).append(value)
    for shown, (_, pointers) in checked:
        for line, name, type_, att, ident in pointers:
            expected = (EXPECTED_KINDS_TYPED.get((name, type_, att))
                        or EXPECTED_KINDS.get((name, att)) or EXPECTED_KINDS.get(("*", att)))
            target = targets.get(ident)
            if target is None:
                problems.append(_unresolved(shown, line, att, ident, expected, targets, by_kind))
            elif expected and target.kind and target.kind != expected:
                problems.append(
                    Problem(shown, line, 1, "pointer-kind",
                            f"<{name} {att}=\"#{ident}\"> points at a {target.kind} ({target.shown}:{target.line}), "
                            f"not a {expected}",
                            f"point at a {expected} entry of {REGISTER_OF[expected]}", "warning")
                )
    return problems


def _unresolved(
    shown: str,
    line: int,
    att: str,
    ident: str,
    expected: str | None,
    targets: dict[str, _Target],
    by_kind: dict[str | None, list[str]],
) -> Problem:
    kind = expected or "id"
    candidates = by_kind.get(expected, []) if expected else list(targets)
    close = difflib.get_close_matches(ident, candidates, n=1, cutoff=0.6) or difflib.get_close_matches(
        ident, list(targets), n=1, cutoff=0.75
    )
    message = f"unknown {kind} #{ident}" + (f": did you mean #{close[0]}?" if close else "")
    if expected:
        advice = f"correct @{att}, or add an entry with xml:id=\"{ident}\" to {REGISTER_OF[expected]}"
    else:
        advice = f"correct @{att}: it must name an xml:id of the edition (documents or registers)"
    return Problem(shown, line, 1, "pointer", message, advice)


def check_untagged(documents: list[tuple[str, etree._ElementTree]]) -> list[Problem]:
    """Warnings for registered names left untagged in documents (see :mod:`edition.untagged`)."""
    from edition.registers import load_registers
    from edition.untagged import ALLOWED_PATH, load_allowed, unexplained

    try:
        registers = load_registers()
    except (XMLInputError, ValueError):
        return []  # a broken register is reported when the register itself is validated
    allowed = load_allowed()
    return [
        Problem(shown, u.line, 1, "untagged-name",
                f"{REGISTER_KIND_OF.get(registers[u.key].kind, 'name')} '{u.text}' is not tagged"
                + (f" (in {u.anchor})" if u.anchor else ""),
                f"tag it: <{NAME_ELEMENT[registers[u.key].kind]} ref=\"#{u.key}\">{u.text}</…>, or, if it must "
                f"stay untagged, add '{u.anchor} | {u.text} | reason' to {display_path(ALLOWED_PATH)}", "warning")
        for shown, tree in documents
        for u in unexplained(tree, registers, allowed)
    ]


#: What the warning calls an entry, and the element that tags it, by register kind.
REGISTER_KIND_OF = {"person": "person", "place": "place", "org": "organisation"}
NAME_ELEMENT = {"person": "persName", "place": "placeName", "org": "orgName"}


def check_encoding(tree: etree._ElementTree, shown: str) -> list[Problem]:
    """The file is UTF-8: Sphinx reads every source as UTF-8 text before the TEI parser sees it."""
    head = b""
    if tree.docinfo.URL:
        try:
            with open(tree.docinfo.URL, "rb") as handle:
                head = handle.read(4)  # the byte order mark, if any
        except OSError:
            pass
    encoding = file_encoding(head, tree)
    if is_utf8(encoding):
        return []
    return [Problem(shown, 1, 1, "encoding", f"the file is encoded in {encoding}, not UTF-8",
                    "the edition's TEI files are UTF-8: convert it (e.g. iconv -f " + encoding
                    + " -t UTF-8) and write encoding=\"UTF-8\" in the XML declaration")]


def check_cite_structure(tree: etree._ElementTree, shown: str) -> list[Problem]:
    """The document's canonical references can be made, and every one (and its key) can be
    a file name: none empty, none given twice, none too long or with a path in it
    (:mod:`edition.filenames`). ``xml:id`` s, which name entry and synopsis pages, are
    checked for length."""
    problems = [
        Problem(shown, el.sourceline or 0, 1, "identifier",
                f"xml:id {ident[:60]!r}… is {len(ident)} characters long (at most {MAX_NAME})",
                "an xml:id names a page or a file of the site: shorten it")
        for ident, el in _ids(tree) if len(ident) > MAX_NAME
    ]
    if not cite_structures(tree):
        return problems
    try:
        citable_units(tree)
    except CiteStructureError as exc:
        problems.append(Problem(shown, exc.line, 1, "cite-structure", str(exc),
                                "every citable unit needs a reference of its own, made of letters, digits, "
                                "'.', ':', '-' and '_' (tei/ENCODING.md); see refsDecl/citeStructure"))
    return problems


# --------------------------------------------------------------------------- remembered checks


def _single_file(tree: etree._ElementTree, shown: str) -> list[Problem]:
    """Steps 2 and 3, and the ``xml-model`` check: what one file says about itself."""
    return [*check_encoding(tree, shown), *check_xml_model(tree, shown), *check_odd(tree, shown),
            *check_rng(tree, shown, edition_rng()), *check_schematron(tree, shown),
            *check_emendation_pairs(tree, shown), *check_cite_structure(tree, shown)]


def _check_one(path: str) -> list[Problem]:
    """:func:`_single_file` of the file at ``path`` (in a worker process: see :func:`_check_files`)."""
    shown = display_path(Path(path))
    tree, _ = _parse(Path(path), shown)  # a file that does not parse is reported by the caller
    return [] if tree is None else _single_file(tree, shown)


#: Fewer files than this are checked in this process: starting workers costs more.
PARALLEL_FROM = 24


def _check_files(todo: list[tuple[Path, str, etree._ElementTree]]) -> list[list[Problem]]:
    """:func:`_single_file` of each ``(path, shown, tree)``, in that order. Many files are
    checked by one worker process per core (the schemas are compiled once per worker), as
    each file's checks depend on that file alone."""
    import threading

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    # Forking is safe only with no other thread running (a test run or a library caller may have some).
    if len(todo) < PARALLEL_FROM or cores < 2 or threading.active_count() > 1:
        return [_single_file(tree, shown) for _, shown, tree in todo]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    edition_rng(), edition_schematron()  # compiled once here, inherited by the forked workers
    with ProcessPoolExecutor(max_workers=cores, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_check_one, [str(path) for path, _, _ in todo], chunksize=max(1, len(todo) // (4 * cores))))


class _Remembered:
    """Problems of checks that depend on one file (and fixed inputs), kept in ``cache``."""

    def __init__(self, cache: Path | None) -> None:
        from edition import products

        self.store = products.ProductStore(cache) if cache is not None else None
        self.products = products
        self.code = products.code_version() if cache is not None else ""

    def key(self, kind: str, path: Path, shown: str, inputs: list[Path]) -> str:
        files = [self.products.file_digest(p) for p in [path, *inputs]]
        return self.products.digest("validate", kind, self.code, shown, files)

    def load(self, kind: str, path: Path, shown: str, inputs: list[Path]) -> list[Problem] | None:
        if self.store is None:
            return None
        return self.store.load(f"validate-{kind}", str(path), self.key(kind, path, shown, inputs))

    def save(self, kind: str, path: Path, shown: str, inputs: list[Path], problems: list[Problem]) -> None:
        if self.store is not None:
            self.store.save(f"validate-{kind}", str(path), self.key(kind, path, shown, inputs), problems)


# --------------------------------------------------------------------------- entry points


def _unique(paths: Iterable[Path]) -> list[Path]:
    # Absolute, not resolved: a symbolic link keeps its name (and is refused as one: _parse).
    return list(dict.fromkeys(Path(os.path.abspath(p)) for p in paths))


def validate(paths: list[Path] | None = None, *, context: list[Path] | None = None,
             cache: Path | None = None) -> Report:
    """Validate ``paths`` (None: the whole edition).

    Pointers are resolved, and ids compared, over ``paths`` plus ``context``
    (None: the whole edition), so that one document can be checked against the
    registers without checking the registers themselves. ``cache``: a directory
    where the problems of each file are kept for the next run (see the module's
    docstring).
    """
    files = _unique(edition_files() if paths is None else paths)
    context_files = [p for p in _unique(edition_files() if context is None else context) if p not in files]
    report = Report(files=[display_path(p) for p in files])
    remembered = _Remembered(cache)
    schemas = [RNG_PATH, SCH_PATH, ODD_PATH]
    # Names are checked against the registers only when they are part of the validation.
    registers = register_paths()
    with_names = bool(set(registers) & set(files + context_files))
    names_inputs: list[Path] = []
    if with_names:
        from edition.untagged import ALLOWED_PATH

        names_inputs = [*registers, ALLOWED_PATH]
    checked: list[tuple[str, FileIds]] = []
    per_file: dict[Path, list[Problem]] = {}
    todo: list[tuple[Path, str, etree._ElementTree]] = []
    documents: list[tuple[Path, str, etree._ElementTree | None, list[Problem] | None]] = []
    for path in files:
        shown = display_path(path)
        found = remembered.load("file", path, shown, schemas)
        ids: FileIds | None = remembered.load("ids", path, shown, [])
        is_document = with_names and path not in registers
        names = remembered.load("untagged", path, shown, names_inputs) if is_document else []
        tree, per_file[path] = None, []
        if found is None or ids is None or names is None:  # else it parsed, with these bytes, before
            tree, per_file[path] = _parse(path, shown)
            if tree is None:
                continue
        if ids is None:
            ids = file_ids(tree)  # type: ignore[arg-type]
            remembered.save("ids", path, shown, [], ids)
        checked.append((shown, ids))
        if found is None:
            todo.append((path, shown, tree))  # type: ignore[arg-type]
        else:
            per_file[path].extend(found)
        if is_document:
            documents.append((path, shown, tree, names))
    for (path, shown, _), found in zip(todo, _check_files(todo)):
        remembered.save("file", path, shown, schemas, found)
        per_file[path].extend(found)
    for found in per_file.values():
        report.problems.extend(found)
    pool = list(checked)
    for path in context_files:
        shown = display_path(path)
        ids = remembered.load("ids", path, shown, [])
        if ids is None:
            try:
                ids = file_ids(parse_file(path))
            except XMLInputError:
                continue  # a broken context file is reported when it is itself validated
            remembered.save("ids", path, shown, [], ids)
        pool.append((shown, ids))
    report.problems.extend(check_cross_file(checked, pool))
    if with_names:
        fresh = [(path, shown, tree) for path, shown, tree, names in documents if names is None]
        found = check_untagged([(shown, tree) for _, shown, tree in fresh]) if fresh else []  # type: ignore[misc]
        known = {path: names for path, _, _, names in documents}
        for path, shown, _ in fresh:
            known[path] = [p for p in found if p.path == shown]
            remembered.save("untagged", path, shown, names_inputs, known[path])
        for path, _, _, _ in documents:
            report.problems.extend(known[path] or [])
    return report


def validate_tei_all(paths: list[Path] | None = None) -> Report:
    """Validate against the full TEI P5 grammar (``tei_all.rng``), if it is present."""
    files = _unique(edition_files() if paths is None else paths)
    report = Report(files=[display_path(p) for p in files])
    if not TEI_ALL_PATH.exists():
        report.problems.append(
            Problem(str(TEI_ALL_PATH), 0, 0, "tei-all-missing", "tei_all.rng is not available",
                    "the shared TEI schema is expected beside the repository", "warning")
        )
        return report
    for path in files:
        shown = display_path(path)
        tree, problems = _parse(path, shown)
        report.problems.extend(problems)
        if tree is not None:
            report.problems.extend(check_rng(tree, shown, tei_all_rng(), rule="tei-all"))
    return report
