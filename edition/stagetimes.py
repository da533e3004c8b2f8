"""Seconds a build spends in the stages that run inside Sphinx, whichever process runs them.

The XSLT runs in Sphinx's reading processes and in the processes that make the
other reading; the registers are made in the writers and in the processes of the
entry pages; the search index is built beside the generated pages. Each process
adds the seconds of each piece of a stage to a log in the build's doctree
directory, a line per piece, appended (a write of one short line with
``O_APPEND`` does not interleave with another's), as it goes: a forked process
ends without running any exit handler. The build starts an empty log before
Sphinx starts (:func:`begin`) and sums it when Sphinx is done (:func:`totals`).
Without a log begun (``sphinx-build`` run by hand), nothing is logged.

A stage's figure is the sum over processes, so stages overlap each other and
the wall-clock stages ``sphinx-read`` and ``sphinx-write`` that hold them.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

#: The log, in the doctree directory.
LOG = "stage-seconds.log"

F = TypeVar("F", bound=Callable[..., Any])


def begin(doctreedir: Path | str) -> None:
    """Start a build's log, empty."""
    Path(doctreedir).mkdir(parents=True, exist_ok=True)
    (Path(doctreedir) / LOG).write_bytes(b"")


def record(doctreedir: Path | str | None, stage: str, seconds: float) -> None:
    """Add ``seconds`` to ``stage`` of the build whose log is begun in ``doctreedir``
    (nothing without one: no build to report to)."""
    if doctreedir is None:
        return
    try:
        fd = os.open(Path(doctreedir) / LOG, os.O_WRONLY | os.O_APPEND)  # never created here
    except OSError:
        return
    try:
        os.write(fd, f"{stage}\t{seconds:.6f}\n".encode())
    except OSError:
        pass  # a figure lost, never the build
    finally:
        os.close(fd)


@contextmanager
def timed(doctreedir: Path | str | None, stage: str) -> Iterator[None]:
    """Add the time of the ``with`` block to ``stage``."""
    started = time.perf_counter()
    try:
        yield
    finally:
        record(doctreedir, stage, time.perf_counter() - started)


def stage(name: str) -> Callable[[F], F]:
    """Decorate a function whose first argument is the application or the environment (it
    has the ``doctreedir``): its time is added to stage ``name``. A stage's functions must
    not call each other, or their time counts twice."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def timed_call(owner: Any, *args: Any, **kwargs: Any) -> Any:
            with timed(getattr(owner, "doctreedir", None), name):
                return function(owner, *args, **kwargs)

        return timed_call  # type: ignore[return-value]

    return decorate


def totals(doctreedir: Path | str) -> dict[str, float]:
    """The seconds of each stage logged since :func:`begin`, in the order they first appear."""
    sums: dict[str, float] = {}
    try:
        lines = (Path(doctreedir) / LOG).read_text(encoding="utf-8").splitlines()
    except OSError:
        return sums
    for line in lines:
        name, _, seconds = line.partition("\t")
        try:
            sums[name] = sums.get(name, 0.0) + float(seconds)
        except ValueError:
            continue  # a line cut short (a full disk): left out
    return sums
