"""Exceptions of the itsa package. The native module raises these classes directly."""

from __future__ import annotations

from typing import Optional


class ItsaError(Exception):
    """Base class of every error itsa raises for a bad input."""


class SpecError(ItsaError, ValueError):
    """A spec that does not read or does not fit its model.

    ``str(e)`` is the located message of the command line, ``path:line:col: message``;
    ``e.path``, ``e.line``, ``e.col`` (1-based; ``None`` when the error concerns the whole
    file, e.g. it cannot be read), ``e.message`` (without the location) and
    ``e.source_line`` (the spec line the error points into). ``e.snippet`` is the caret
    display the CLI prints, also attached as a note to the traceback.
    """

    def __init__(
        self,
        message: str,
        path: str,
        line: Optional[int] = None,
        col: Optional[int] = None,
        source_line: Optional[str] = None,
    ):
        self.message = message
        self.path = path
        self.line = line
        self.col = col
        self.source_line = source_line
        if line is None:
            located = f"{path}: {message}"
        else:
            located = f"{path}:{line}:{col}: {message}"
        super().__init__(located)
        if self.snippet and hasattr(self, "add_note"):
            self.add_note(self.snippet)

    @property
    def snippet(self) -> str:
        """The spec line with a caret under the error, as `itsa verify` prints it."""
        if self.line is None or self.source_line is None:
            return ""
        gutter = str(self.line)
        pad = "".join("\t" if c == "\t" else " " for c in self.source_line[: max(self.col - 1, 0)])
        blank = " " * len(gutter)
        return f"{blank} |\n{gutter} | {self.source_line}\n{blank} | {pad}^"

    def __reduce__(self):
        return (type(self), (self.message, self.path, self.line, self.col, self.source_line))


class ParameterError(ItsaError, ValueError):
    """Bad model parameters or options (the CLI's exit code 2 outside a spec file)."""


class ConstructionError(ItsaError):
    """A construction that could not be built (e.g. no random draw verified)."""


class BoundError(ItsaError):
    """The LP bound could not be computed (bad query, or the solver failed)."""
