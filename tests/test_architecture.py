"""The shape of the ``edition`` package, read from its source with :mod:`ast`:

* it uses only public names of Sphinx and docutils (none imported, called, read or
  overridden that either library spells with a leading underscore);
* its modules import each other without a cycle (imports inside functions count);
* no two of its modules share a file name.

Each check is a function of source text, so each is also shown failing on a small
made-up module: a check that cannot fail proves nothing.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "edition"
LIBRARIES = ("sphinx", "docutils")


def private(name: str) -> bool:
    """A name its library keeps to itself: one leading underscore, not a dunder."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def library_of(module: str) -> str | None:
    """``sphinx`` or ``docutils`` if ``module`` (dotted) belongs to one of them."""
    root = module.split(".")[0]
    return root if root in LIBRARIES else None


@lru_cache(maxsize=None)
def library_private_names() -> frozenset[str]:
    """Every private name Sphinx and docutils define: functions, classes, methods, module
    variables, attributes they set (``self._x = ...``) and private modules."""
    names: set[str] = set()
    for library in LIBRARIES:
        spec = importlib.util.find_spec(library)
        assert spec is not None and spec.origin, library
        for path in Path(spec.origin).parent.rglob("*.py"):
            if private(path.stem):
                names.add(path.stem)
            try:
                tree = ast.parse(path.read_bytes())
            except SyntaxError:  # a template or fixture shipped as .py
                continue
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    found = node.name
                elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                    found = node.attr
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    found = node.id
                else:
                    continue
                if private(found):
                    names.add(found)
    return frozenset(names)


def imported_from_libraries(tree: ast.AST) -> dict[str, str]:
    """Local name → dotted origin, for every name a module imports from Sphinx or docutils."""
    origins: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if library_of(alias.name):
                    local = alias.asname or alias.name.split(".")[0]
                    origins[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level and library_of(node.module):
            for alias in node.names:
                origins[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return origins


def root_name(node: ast.expr) -> str | None:
    """The name an expression like ``a.b.c`` starts from."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def private_api_uses(source: str, filename: str = "<module>") -> list[str]:
    """Where ``source`` imports, calls, reads or overrides a private name of Sphinx or docutils,
    as ``file:line: what``."""
    tree = ast.parse(source, filename)
    known = library_private_names()
    origins = imported_from_libraries(tree)
    found: list[str] = []

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{getattr(node, 'lineno', 0)}: {what}")

    # Classes deriving from a Sphinx or docutils class, directly or through one of this module's.
    derived: set[str] = set()
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    changed = True
    while changed:
        changed = False
        for cls in classes:
            if cls.name not in derived and any(
                    (root_name(b) in origins) or (root_name(b) in derived) for b in cls.bases):
                derived.add(cls.name)
                changed = True

    # ``self._x`` counts only in a class deriving from theirs: elsewhere it is our own name.
    own_selves: set[int] = set()
    for cls in classes:
        if cls.name not in derived:
            own_selves.update(id(n) for n in ast.walk(cls) if isinstance(n, ast.Attribute)
                              and root_name(n.value) in ("self", "cls"))

    # ``self._x`` counts only in a class deriving from theirs: elsewhere it is our own name.
    own_selves: set[int] = set()
    for cls in classes:
        if cls.name not in derived:
            own_selves.update(id(n) for n in ast.walk(cls) if isinstance(n, ast.Attribute)
                              and root_name(n.value) in ("self", "cls"))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if library_of(alias.name) and any(private(part) for part in alias.name.split(".")):
                    report(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level and library_of(node.module):
            if any(private(part) for part in node.module.split(".")):
                report(node, f"from {node.module} import ...")
            for alias in node.names:
                if private(alias.name):
                    report(node, f"from {node.module} import {alias.name}")
        elif isinstance(node, ast.Attribute) and private(node.attr):
            if id(node) not in own_selves and (root_name(node.value) in origins or node.attr in known):
                report(node, f"{ast.unparse(node)}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "hasattr", "setattr", "delattr") and len(node.args) >= 2
              and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)
              and private(node.args[1].value) and node.args[1].value in known):
            report(node, f"{node.func.id}(..., {node.args[1].value!r})")
        elif isinstance(node, ast.ClassDef) and node.name in derived:
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and private(item.name) \
                        and item.name in known:
                    report(item, f"{node.name}.{item.name} overrides a private method")
    return found


def modules() -> dict[str, Path]:
    """Dotted name → file, for every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(name: str, source: str, known: Iterable[str], is_package: bool = False) -> set[str]:
    """The package's modules that module ``name`` imports anywhere in ``source`` (at the top
    or inside a function). ``from a import b`` counts as importing ``a.b`` where that is a
    module, else as importing ``a``."""
    known = set(known)
    found: set[str] = set()
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            for alias in node.names:
                if f"{module}.{alias.name}" in known:
                    found.add(f"{module}.{alias.name}")
                elif module in known:
                    found.add(module)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports_of(name, path.read_text(encoding="utf-8"), mods, path.name == "__init__.py")
            for name, path in mods.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path that ends where it starts) through each strongly connected group
    of more than one module (Tarjan's algorithm, then a shortest way round)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)

    def way_round(group: set[str]) -> list[str]:
        start = min(group)
        paths = {start: [start]}
        queue = [start]
        while queue:
            here = queue.pop(0)
            for nxt in sorted(graph[here] & group):
                if nxt == start:
                    return [*paths[here], start]
                if nxt not in paths:
                    paths[nxt] = [*paths[here], nxt]
                    queue.append(nxt)
        raise AssertionError(group)

    return sorted(way_round(g) for g in groups)


def shared_names(paths: Iterable[Path]) -> dict[str, list[str]]:
    """File names (other than ``__init__.py``/``__main__.py``) that more than one module has."""
    by_name: dict[str, list[str]] = {}
    for path in paths:
        if path.name not in ("__init__.py", "__main__.py"):
            by_name.setdefault(path.name, []).append(str(path.relative_to(REPO)))
    return {name: sorted(files) for name, files in by_name.items() if len(files) > 1}


# The edition's own code.

def test_no_private_name_of_sphinx_or_docutils_is_used():
    found = [use for name, path in modules().items()
             for use in private_api_uses(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))]
    assert not found, "private Sphinx/docutils names:\n" + "\n".join(found)


def test_no_import_cycle_between_modules():
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_no_two_modules_share_a_file_name():
    found = shared_names(PACKAGE.rglob("*.py"))
    assert not found, "modules sharing a name:\n" + "\n".join(f"{n}: {', '.join(f)}" for n, f in found.items())


# The checks themselves.

def test_the_private_api_check_finds_each_kind_of_use():
    source = '''
from sphinx.environment.adapters.toctree import _resolve_toctree
from sphinx.builders.html._build_info import BuildInfo
import sphinx.util._pathlib
from sphinx.builders.html import StandaloneHTMLBuilder
from docutils import nodes

class Builder(StandaloneHTMLBuilder):
    def _get_local_toctree(self, docname):
        return self._app

class Mine(Builder):
    def write(self):
        return self._write_serial([])

class Own:
    def _get_local_toctree(self):  # not Sphinx's: a class of our own
        self._cache = {}

def use(app):
    hasattr(app.builder, "_app")
    return app.builder._get_local_toctree("index"), nodes._add_node_class_names
'''
    found = "\n".join(private_api_uses(source))
    for what in ("import _resolve_toctree", "sphinx.builders.html._build_info", "import sphinx.util._pathlib",
                 "Builder._get_local_toctree overrides", "self._app", "self._write_serial",
                 "hasattr(..., '_app')", "app.builder._get_local_toctree", "nodes._add_node_class_names"):
        assert what in found, what
    assert ":19:" not in found and ":20:" not in found  # a class of our own keeps its own names
    assert private_api_uses("from sphinx.environment.adapters.toctree import TocTree\n"
                            "class Own:\n    def _tidy(self):\n        self._seen = 1\n") == []


def test_the_cycle_check_names_each_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"e"}, "e": {"d", "a"}, "f": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"], ["d", "e", "d"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_inside_functions_and_relative_imports_count():
    known = {"edition", "edition.x", "edition.sub", "edition.sub.y", "edition.sub.z"}
    source = "from edition import __version__\ndef f():\n    from edition.sub import y\n" \
             "    from . import z\n    import edition.x\n"
    assert imports_of("edition.sub.w", source, known) == {"edition", "edition.sub.y", "edition.sub.z", "edition.x"}


def test_the_name_check_finds_twins(tmp_path: Path):
    paths = [REPO / "edition" / "a.py", REPO / "edition" / "x" / "a.py", REPO / "edition" / "x" / "__init__.py",
             REPO / "edition" / "__init__.py", REPO / "edition" / "b.py"]
    assert shared_names(paths) == {"a.py": ["edition/a.py", "edition/x/a.py"]}
