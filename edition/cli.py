"""The ``edition`` command: validate, build, render, import.

Every subcommand exits 0 on success and non-zero with a ``file:line:col:
[rule] message`` on bad input; a traceback is a bug.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from edition import collector
from edition.xmlsafe import XMLInputError


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate TEI files (default: the whole edition)."""
    from edition.validate import validate

    report = validate([Path(p) for p in args.files] or None)
    print(report.format_json() if args.format == "json" else report.format_text())
    return 0 if report.ok else 1


def cmd_build(args: argparse.Namespace) -> int:
    """Validate, build with Sphinx, publish atomically."""
    from edition.build import build

    status = 0
    for builder in args.builders:
        print(f"edition: building {builder} …", file=sys.stderr, flush=True)
        result = build(builder, jobs=args.jobs, quiet=args.quiet, force=args.force)
        for line in result.messages:
            print(line, file=sys.stderr)
        if not result.ok:
            return 1
        if result.up_to_date:
            print(f"edition: {builder} is up to date: no input changed since it was built "
                  f"({result.timings['total']:.1f}s; --force builds it again)", file=sys.stderr)
            if builder == "html" and result.output is not None:
                print(result.output / "index.html")
            continue
        timings = ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
        print(f"edition: {builder} done ({timings})", file=sys.stderr)
        if builder == "html" and result.output is not None:
            print(result.output / "index.html")
    return status


def cmd_render(args: argparse.Namespace) -> int:
    """Render arbitrary TEI files into a standalone preview site."""
    from edition.render import render

    return render([Path(p) for p in args.files], Path(args.out))


def cmd_import(args: argparse.Namespace) -> int:
    """Re-run an importer; without --force the draft goes to tei/drafts/."""
    from edition.importer import IMPORTERS, write_draft

    keys = args.keys or list(IMPORTERS)
    for key in keys:
        if key not in IMPORTERS:
            print(f"edition import: unknown document {key!r}; known: {', '.join(IMPORTERS)}", file=sys.stderr)
            return 2
        print(write_draft(key, force=args.force))
    return 0


def cmd_anchors(args: argparse.Namespace) -> int:
    """Check the anchors against the registry; with --update, register new ones."""
    from edition import anchors

    registry, current = anchors.load(), anchors.collect_edition()
    result = anchors.check(registry, current)
    for line in result.messages():
        print(line)
    if args.retire:
        if not args.successor:
            print("edition anchors: --retire needs --successor NEW-ID or --successor withdrawn", file=sys.stderr)
            return 2
        try:
            registry = anchors.retire(registry, args.retire, args.successor, args.note or "")
        except (KeyError, ValueError) as exc:
            print(f"edition anchors: {exc.args[0]}", file=sys.stderr)
            return 1
        anchors.save(registry)
        print(f"edition anchors: {args.retire} retired, successor {args.successor}")
        return 0
    if args.update:
        if not result.ok:
            print("edition anchors: not updating while published anchors are missing", file=sys.stderr)
            return 1
        anchors.save(anchors.update(registry, current, accept_changes=args.accept_changes))
        print(f"edition anchors: {len(result.new)} new anchors registered in {anchors.REGISTRY}")
    else:
        print(f"edition anchors: {len(registry)} registered, {len(result.new)} new, {len(result.changed)} changed")
    return 0 if result.ok else 1


def cmd_new_id(args: argparse.Namespace) -> int:
    """Assign the next free permanent ids to elements that lack one."""
    from edition.identifiers import new_ids

    for name in args.files:
        added = new_ids(Path(name))
        print(f"{name}: {len(added)} new ids" + (f" ({added[0]} … {added[-1]})" if added else ""))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Preview: build, serve on localhost, rebuild on change."""
    from edition.serve import serve

    return serve(args.port)


def cmd_suggest(args: argparse.Namespace) -> int:
    """List untagged occurrences of registered names, with line numbers; change nothing."""
    from edition.annotate import suggest
    from edition.registers import load_registers
    from edition.xmlsafe import parse_file

    kinds = {"persons": "person", "places": "place", "orgs": "org", "names": None}[args.kind]
    registers = load_registers()
    count = 0
    for name in args.files:
        for line, text, ident in suggest(parse_file(Path(name)), registers):
            entry = registers.entries.get(ident)
            if kinds is None or (entry is not None and entry.kind == kinds):
                print(f"{name}:{line or 0}: untagged {entry.kind if entry else 'name'} {text!r}: tag it with ref=\"#{ident}\"")
                count += 1
    print(f"{count} untagged occurrences", file=sys.stderr)
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    """Tag untagged registered names (and, with --dates, date expressions) in place.

    With --citations, the works the footnotes cite are first linked to the bibliography,
    so that an author's name in a citation is not tagged as a mention of a person.
    """
    from edition.annotate import link_citations, name_report, tag_dates
    from edition.registers import load_registers
    from edition.xmlsafe import parse_file, write_tree

    registers = load_registers()
    for name in args.files:
        path = Path(name)
        tree = parse_file(path)
        citations = link_citations(tree, registers) if args.citations else []
        report = name_report(tree, registers, apply=True)
        dates = tag_dates(tree) if args.dates else []
        for skipped in report.skipped:
            print(f"{name}:{skipped.line or 0}: skipped {skipped.text!r}: {skipped.reason}")
        write_tree(path, tree)
        print(f"{name}: {len(report.changes)} names, {len(dates)} dates tagged, {len(report.skipped)} skipped"
              + (f", {len(citations)} citations linked" if args.citations else ""))
    return 0


def cmd_package(args: argparse.Namespace) -> int:
    """Write the BagIt package of the built edition."""
    from edition.documents import ROOT
    from edition.package import run

    return run(Path(args.build_dir) if args.build_dir else ROOT / "_build", Path(args.out) if args.out else None)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``edition`` command."""
    parser = argparse.ArgumentParser(prog="edition", description="The Kirov Edition: TEI pipeline")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="validate TEI files (default: the whole edition)")
    p.add_argument("files", nargs="*")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("build", help="validate and build the edition into _build/")
    p.add_argument("builders", nargs="*", default=["html"], help="Sphinx builders (default: html)")
    p.add_argument("-j", "--jobs", type=int, default=1, help="parallel Sphinx processes")
    p.add_argument("-q", "--quiet", action="store_true", help="only warnings and the result")
    p.add_argument("--force", action="store_true", help="build even when no input changed since the last build")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("render", help="render any TEI files with the edition's stylesheets")
    p.add_argument("files", nargs="+")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("import", help="make TEI drafts from the source texts")
    p.add_argument("keys", nargs="*")
    p.add_argument("--force", action="store_true", help="overwrite the master TEI (loses hand edits)")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("anchors", help="check published anchors against tei/anchors.tsv")
    p.add_argument("--update", action="store_true", help="register new anchors")
    p.add_argument("--accept-changes", action="store_true", help="with --update: record changed texts")
    p.add_argument("--retire", metavar="OLD-ID", help="retire a published anchor")
    p.add_argument("--successor", metavar="NEW-ID", help="with --retire: the id replacing it, or 'withdrawn'")
    p.add_argument("--note", help="with --retire: why (split, merged, deleted…)")
    p.set_defaults(func=cmd_anchors)
    p = sub.add_parser("new-id", help="assign the next free permanent ids to elements without one")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_new_id)
    p = sub.add_parser("serve", help="preview server on localhost that rebuilds when TEI changes")
    p.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0: any free port)")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("suggest", help="list untagged occurrences of registered names")
    p.add_argument("kind", choices=("persons", "places", "orgs", "names"))
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_suggest)
    p = sub.add_parser("tag", help="tag untagged registered names (and dates) in TEI files, in place")
    p.add_argument("files", nargs="+")
    p.add_argument("--dates", action="store_true", help="also tag date expressions")
    p.add_argument("--citations", action="store_true",
                   help="also link the works footnotes cite to tei/bibliography.xml (ref type=\"bibl\")")
    p.set_defaults(func=cmd_tag)
    p = sub.add_parser("package", help="write a BagIt package of the built edition into _build/bag")
    p.add_argument("--build-dir", help="the build directory (default: _build)")
    p.add_argument("--out", help="where to write the bag (default: <build-dir>/bag)")
    p.set_defaults(func=cmd_package)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``edition`` command."""
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except XMLInputError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("edition: interrupted; published output unchanged", file=sys.stderr)
        return 130


def run() -> None:
    """The ``edition`` command: :func:`main`, then exit with its status."""
    status = main()
    collector.keep()  # nothing is freed any more: the interpreter's last collection is spared
    sys.exit(status)


if __name__ == "__main__":
    run()
