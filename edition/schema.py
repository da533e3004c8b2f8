"""Derive the edition's schemas from its ODD (``tei/schema/edition.odd``).

No TEI ODD processor is available offline, so this module does the small part of
ODD processing the edition needs, and nothing more:

* ``edition.rng`` is ``tei_all.rng`` with every element the ODD does not include
  (``moduleRef/@include``, ``elementRef``) made ``notAllowed``; attributes that an
  ``attDef mode="delete"`` removes become ``empty``; attributes with a closed
  ``valList`` admit only its values (on a class: everywhere; on an element: on that
  element only, by expanding the attribute classes inside its definition);
  ``usage="req"`` drops the ``optional``. Unreachable definitions, TEI's embedded
  Schematron and the documentation are dropped, so the grammar is small and fast to
  load. Since it only ever removes choices, it is a strict subset of TEI P5.
* ``edition.sch`` collects the Schematron of every ``constraintSpec``: the
  ``sch:pattern`` (with the spec's ``desc`` as ``sch:p``) and its
  ``sch:diagnostic`` elements.

Run ``python -m edition.schema`` after editing the ODD; the generated files are
committed, and a test checks that they are what the ODD produces.
"""

from __future__ import annotations

import copy
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from edition.documents import ROOT, SCHEMA_DIR

TEI_NS = "http://www.tei-c.org/ns/1.0"
RNG_NS = "http://relaxng.org/ns/structure/1.0"
SCH_NS = "http://purl.oclc.org/dsdl/schematron"
ANN_NS = "http://relaxng.org/ns/compatibility/annotations/1.0"
NS = {"tei": TEI_NS, "rng": RNG_NS, "sch": SCH_NS}
R = "{%s}" % RNG_NS
S = "{%s}" % SCH_NS

ODD_PATH = SCHEMA_DIR / "edition.odd"
RNG_PATH = SCHEMA_DIR / "edition.rng"
SCH_PATH = SCHEMA_DIR / "edition.sch"
#: The official TEI P5 schema, shared beside the repository (not part of it).
TEI_ALL_PATH = ROOT.parent / "shared" / "schema" / "tei_all.rng"


class OddError(Exception):
    """The ODD asks for something the derivation cannot do (or names a missing part of TEI)."""


# --------------------------------------------------------------------------- ODD reading


def _parse(path: Path, *, blank: bool = False) -> etree._ElementTree:
    """Parse safely; ``blank`` drops whitespace-only text (only for grammars, never mixed content)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=blank)
    return etree.parse(str(path), parser)


def _schema_spec(odd: etree._ElementTree) -> etree._Element:
    specs = odd.xpath("//tei:schemaSpec", namespaces=NS)
    if len(specs) != 1:
        raise OddError("the ODD must contain exactly one schemaSpec")
    return specs[0]


def included_elements(odd: etree._ElementTree) -> list[str]:
    """The elements the ODD admits, in the order it lists them."""
    spec = _schema_spec(odd)
    names: list[str] = []
    for ref in spec.xpath("tei:moduleRef[@include] | tei:elementRef", namespaces=NS):
        names.extend(ref.get("include", "").split() if ref.get("include") is not None else [ref.get("key")])
    return list(dict.fromkeys(names))


def closed_values(att_def: etree._Element) -> list[str] | None:
    """The values of a closed ``valList`` of an ``attDef``, or None if it has none."""
    vals = att_def.xpath("tei:valList[@type='closed']/tei:valItem/@ident", namespaces=NS)
    return [str(v) for v in vals] if vals else None


def constraint_ids(odd: etree._ElementTree) -> list[str]:
    """Every Schematron id the ODD declares (patterns, rules, assertions, diagnostics)."""
    return [str(i) for i in odd.xpath("//tei:constraintSpec//sch:*/@id", namespaces=NS)]


@dataclass(frozen=True)
class OddRules:
    """What the ODD admits, in a form Python checks can use for precise messages."""

    elements: frozenset[str]  #: local names of the admitted elements
    element_values: dict[tuple[str, str], tuple[str, ...]]  #: (element, attribute) -> closed values
    class_values: dict[str, tuple[str, ...]]  #: attribute of a (global) class -> closed values

    def values_for(self, element: str, attribute: str) -> tuple[str, ...] | None:
        """The closed values of ``attribute`` on ``element``, or None if it is open."""
        return self.element_values.get((element, attribute), self.class_values.get(attribute))


@lru_cache(maxsize=1)
def odd_rules(odd_path: Path = ODD_PATH) -> OddRules:
    """Read the element list and the closed value lists of the ODD (cached per process)."""
    odd = _parse(odd_path)
    spec = _schema_spec(odd)
    element_values: dict[tuple[str, str], tuple[str, ...]] = {}
    class_values: dict[str, tuple[str, ...]] = {}
    for att_def in spec.xpath("tei:elementSpec/tei:attList/tei:attDef", namespaces=NS):
        values = closed_values(att_def)
        if values:
            element_values[(att_def.getparent().getparent().get("ident"), att_def.get("ident"))] = tuple(values)
    for att_def in spec.xpath("tei:classSpec/tei:attList/tei:attDef", namespaces=NS):
        values = closed_values(att_def)
        if values:
            class_values[att_def.get("ident")] = tuple(values)
    return OddRules(frozenset(included_elements(odd)), element_values, class_values)


# --------------------------------------------------------------------------- RNG derivation


def _restricted_attribute(attribute: etree._Element, values: list[str] | None) -> None:
    """Replace an ``rng:attribute``'s content by a choice of ``values`` (keeping its name)."""
    if values is None:
        return
    for child in list(attribute):
        attribute.remove(child)
    choice = etree.SubElement(attribute, R + "choice")
    for value in values:
        etree.SubElement(choice, R + "value").text = value


def _apply_usage(attribute: etree._Element, att_def: etree._Element) -> None:
    """``usage="req"``: unwrap the ``optional`` around the attribute."""
    parent = attribute.getparent()
    if att_def.get("usage") == "req" and parent is not None and parent.tag == R + "optional":
        parent.getparent().replace(parent, attribute)


#: Patterns whose children form a sequence (an explicit or implicit group).
_SEQUENCES = tuple(R + t for t in ("group", "interleave", "oneOrMore", "zeroOrMore", "optional", "element", "list", "mixed"))


class _Grammar:
    """The tei_all grammar being cut down, with its definitions by name."""

    def __init__(self, tree: etree._ElementTree) -> None:
        self.tree = tree
        self.root = tree.getroot()
        self.defines: dict[str, etree._Element] = {d.get("name"): d for d in self.root.iterchildren(R + "define")}

    def define(self, name: str) -> etree._Element:
        try:
            return self.defines[name]
        except KeyError:
            raise OddError(f"tei_all.rng has no definition {name!r}") from None

    def element_defines(self) -> dict[str, etree._Element]:
        """Element name -> its definition (only plainly named TEI elements)."""
        out = {}
        for name, d in self.defines.items():
            el = d.find(R + "element")
            if el is not None and el.get("name") == name:
                out[name] = d
        return out

    def strip_annotations(self) -> None:
        """Drop TEI's embedded Schematron, documentation and comments: not ours to check."""
        for el in list(self.root.iter()):
            if not isinstance(el.tag, str) or el.tag.startswith(S) or el.tag == "{%s}documentation" % ANN_NS:
                parent = el.getparent()
                if parent is not None:
                    parent.remove(el)

    def reaches(self, name: str, target: str, seen: set[str] | None = None) -> bool:
        """Whether attribute-class definition ``name`` refers (transitively) to ``target``."""
        if name == target:
            return True
        seen = set() if seen is None else seen
        if name in seen or name not in self.defines:
            return False
        seen.add(name)
        return any(self.reaches(r.get("name"), target, seen) for r in self.defines[name].iter(R + "ref"))

    def restrict_class_attribute(self, cls: str, att_def: etree._Element) -> None:
        ident = att_def.get("ident")
        define = self.define(f"{cls}.attribute.{ident}")
        if att_def.get("mode") == "delete":
            for child in list(define):
                define.remove(child)
            etree.SubElement(define, R + "empty")
            return
        attribute = define.find(f".//{R}attribute[@name='{ident}']")
        if attribute is None:
            raise OddError(f"{cls}.attribute.{ident} defines no attribute {ident}")
        _restricted_attribute(attribute, closed_values(att_def))
        _apply_usage(attribute, att_def)

    def restrict_element_attribute(self, element: str, att_def: etree._Element) -> None:
        """Restrict an attribute on one element only.

        If the element declares the attribute itself, its content is replaced. If it
        comes from an attribute class, the class references inside the element's
        definition are expanded (copied inline) down to that attribute, and only the
        copy is restricted, so that other members of the class are unaffected.
        """
        ident = att_def.get("ident")
        pattern = self.define(element).find(R + "element")
        if pattern is None:
            raise OddError(f"{element} is not an element in tei_all.rng")
        own = [a for a in pattern.iter(R + "attribute") if a.get("name") == ident]
        while not own:
            target = next(
                (
                    r
                    for r in pattern.iter(R + "ref")
                    if r.get("name", "").startswith("att.")
                    and any(self.reaches(r.get("name"), t) for t in self._attribute_defines(ident))
                ),
                None,
            )
            if target is None:
                raise OddError(f"<{element}> has no attribute {ident} in tei_all.rng")
            parent = target.getparent()
            index = parent.index(target)
            parent.remove(target)
            for offset, child in enumerate(self.define(target.get("name"))):
                parent.insert(index + offset, copy.deepcopy(child))
            own = [a for a in pattern.iter(R + "attribute") if a.get("name") == ident]
        if att_def.get("mode") == "delete":
            for attribute in own:
                holder = attribute.getparent() if attribute.getparent().tag == R + "optional" else attribute
                holder.getparent().replace(holder, etree.Element(R + "empty"))
            return
        for attribute in own:
            _restricted_attribute(attribute, closed_values(att_def))
            _apply_usage(attribute, att_def)

    def _attribute_defines(self, ident: str) -> list[str]:
        return [n for n in self.defines if n.startswith("att.") and n.endswith(f".attribute.{ident}")]

    def keep_only(self, elements: list[str]) -> None:
        """Make every element not in ``elements`` ``notAllowed``."""
        known = self.element_defines()
        missing = [e for e in elements if e not in known]
        if missing:
            raise OddError(f"elements not in tei_all.rng: {', '.join(missing)}")
        for name, define in known.items():
            if name not in elements:
                for child in list(define):
                    define.remove(child)
                etree.SubElement(define, R + "notAllowed")

    def set_start(self, starts: list[str]) -> None:
        start = self.root.find(R + "start")
        for child in list(start):
            start.remove(child)
        if len(starts) == 1:
            etree.SubElement(start, R + "ref", name=starts[0])
        else:
            choice = etree.SubElement(start, R + "choice")
            for s in starts:
                etree.SubElement(choice, R + "ref", name=s)

    def simplify(self) -> None:
        """Propagate ``notAllowed`` through the patterns, as RELAX NG simplification does.

        A choice loses its impossible branches; a group, an element or an attribute with
        an impossible part is impossible; an optional impossible part is ``empty``. The
        language is unchanged, but libxml2 has far fewer branches to try, which makes
        validation several times faster.
        """
        changed = True
        while changed:
            changed = False
            impossible = {n for n, d in self.defines.items() if len(d) == 1 and d[0].tag == R + "notAllowed"}
            for ref in list(self.root.iter(R + "ref")):
                if ref.get("name") in impossible:
                    ref.getparent().replace(ref, etree.Element(R + "notAllowed"))
                    changed = True
            for el in reversed(list(self.root.iter())):
                changed |= self._simplify_one(el)

    @staticmethod
    def _simplify_one(el: etree._Element) -> bool:
        tag = el.tag
        parent = el.getparent()
        if parent is None or tag == R + "define":
            if tag == R + "define" and len(el) > 1 and any(c.tag == R + "notAllowed" for c in el):
                for c in list(el):
                    el.remove(c)
                etree.SubElement(el, R + "notAllowed")
                return True
            return False
        kids = [c for c in el if c.tag == R + "notAllowed"]
        if not kids:
            if tag in _SEQUENCES:
                # An emptied branch left in a sequence trips libxml2's content-model
                # compiler ("Expecting element sourceDesc, got publicationStmt"); in a
                # sequence (explicit or implicit group) ``empty`` means nothing anyway.
                empties = [c for c in el if c.tag == R + "empty"]
                if empties and len(empties) < len(el):
                    for c in empties:
                        el.remove(c)
                    return True
            if tag in (R + "choice", R + "group", R + "interleave") and len(el) == 1:
                parent.replace(el, el[0])
                return True
            return False
        if tag == R + "choice":
            for c in kids:
                el.remove(c)
            if len(el) == 0:
                parent.replace(el, etree.Element(R + "notAllowed"))
            elif len(el) == 1:
                parent.replace(el, el[0])
            return True
        if tag in (R + "zeroOrMore", R + "optional"):
            parent.replace(el, etree.Element(R + "empty"))
            return True
        if tag in (R + "group", R + "interleave", R + "oneOrMore", R + "element", R + "attribute", R + "list", R + "mixed"):
            parent.replace(el, etree.Element(R + "notAllowed"))
            return True
        return False

    def prune(self) -> None:
        """Drop every definition that cannot be reached from ``start``."""
        reached: set[str] = set()
        todo = [r.get("name") for r in self.root.find(R + "start").iter(R + "ref")]
        while todo:
            name = todo.pop()
            if name in reached:
                continue
            reached.add(name)
            todo.extend(r.get("name") for r in self.define(name).iter(R + "ref"))
        for name, define in list(self.defines.items()):
            if name not in reached:
                self.root.remove(define)
                del self.defines[name]


def _tei_version(tei_all: Path) -> str:
    head = tei_all.read_text(encoding="utf-8")[:2000]
    match = re.search(r"TEI Edition:\s+P5\s+Version\s+(\d+(?:\.\d+)*)", head)
    return f"P5 Version {match.group(1)}" if match else "P5"


def derive_rng(odd_path: Path = ODD_PATH, tei_all: Path = TEI_ALL_PATH) -> bytes:
    """Return the text of ``edition.rng`` derived from the ODD and ``tei_all.rng``."""
    odd = _parse(odd_path)
    spec = _schema_spec(odd)
    grammar = _Grammar(_parse(tei_all, blank=True))
    grammar.strip_annotations()
    for class_spec in spec.xpath("tei:classSpec[@mode='change']", namespaces=NS):
        for att_def in class_spec.xpath("tei:attList/tei:attDef", namespaces=NS):
            grammar.restrict_class_attribute(class_spec.get("ident"), att_def)
    for element_spec in spec.xpath("tei:elementSpec[@mode='change']", namespaces=NS):
        for att_def in element_spec.xpath("tei:attList/tei:attDef", namespaces=NS):
            grammar.restrict_element_attribute(element_spec.get("ident"), att_def)
    grammar.keep_only(included_elements(odd))
    grammar.set_start(spec.get("start", "TEI").split())
    grammar.simplify()
    grammar.prune()
    root = grammar.root
    root.text = None
    root.insert(
        0,
        etree.Comment(
            f" Generated by edition/schema.py from tei/schema/edition.odd and TEI {_tei_version(tei_all)}"
            " (tei_all.rng). Do not edit: change the ODD and run `python -m edition.schema`. "
        ),
    )
    etree.cleanup_namespaces(root, top_nsmap={None: RNG_NS}, keep_ns_prefixes=[])
    etree.indent(root, space=" ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


# --------------------------------------------------------------------------- Schematron


def derive_sch(odd_path: Path = ODD_PATH) -> bytes:
    """Return the text of ``edition.sch``: the ODD's constraints as one ISO Schematron schema."""
    odd = _parse(odd_path)
    spec = _schema_spec(odd)
    schema = etree.Element(S + "schema", nsmap={"sch": SCH_NS}, queryBinding="xslt")
    schema.append(
        etree.Comment(
            " Generated by edition/schema.py from tei/schema/edition.odd. Do not edit: change the ODD"
            " and run `python -m edition.schema`. "
        )
    )
    etree.SubElement(schema, S + "title").text = "The Kirov Edition: rules beyond the grammar"
    etree.SubElement(schema, S + "ns", prefix="tei", uri=TEI_NS)
    diagnostics = []
    for cs in spec.xpath("tei:constraintSpec[@scheme='schematron']", namespaces=NS):
        patterns = cs.xpath("tei:constraint/sch:pattern", namespaces=NS)
        if len(patterns) != 1:
            raise OddError(f"constraintSpec {cs.get('ident')} must hold exactly one sch:pattern")
        pattern = copy.deepcopy(patterns[0])
        reason = etree.Element(S + "p")
        reason.text = " ".join("".join(cs.find("tei:desc", NS).itertext()).split())
        pattern.insert(0, reason)
        schema.append(pattern)
        diagnostics.extend(copy.deepcopy(d) for d in cs.xpath("tei:constraint/sch:diagnostic", namespaces=NS))
    if diagnostics:
        holder = etree.SubElement(schema, S + "diagnostics")
        holder.extend(diagnostics)
    etree.cleanup_namespaces(schema, top_nsmap={"sch": SCH_NS}, keep_ns_prefixes=["sch"])
    # Only the top level is laid out: the patterns keep the ODD's layout, because
    # their assertions are mixed content whose whitespace is part of the message.
    schema.text = "\n  "
    for child in schema:
        child.tail = "\n  "
    schema[-1].tail = "\n"
    return etree.tostring(schema, xml_declaration=True, encoding="UTF-8") + b"\n"


def write(odd_path: Path = ODD_PATH, tei_all: Path = TEI_ALL_PATH) -> list[Path]:
    """Regenerate ``edition.rng`` and ``edition.sch`` next to the ODD."""
    RNG_PATH.write_bytes(derive_rng(odd_path, tei_all))
    SCH_PATH.write_bytes(derive_sch(odd_path))
    return [RNG_PATH, SCH_PATH]


def main() -> int:
    if not TEI_ALL_PATH.exists():
        print(f"edition.schema: {TEI_ALL_PATH} not found", file=sys.stderr)
        return 1
    for path in write():
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
