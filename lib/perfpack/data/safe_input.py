"""Reading untrusted input safely: size limits, strict YAML, and error lines that stay short.

Every reader of user-supplied files (force extracts, ``manifest.yml``, data.police.uk downloads,
annotations) goes through these helpers, so the limits are the same everywhere and documented in
one place (``data/README.md``, "Limits"):

- a file (or zip member, uncompressed) larger than :func:`max_input_bytes` is refused before it
  is read; the default is :data:`DEFAULT_MAX_INPUT_MB` MiB, overridden by the environment
  variable :data:`MAX_INPUT_ENV` (a whole number of MiB);
- YAML is read by :func:`load_yaml`: PyYAML's ``SafeLoader`` that also refuses anchors and
  aliases (the "billion laughs" expansion) and repeated keys;
- an error line is at most :data:`MAX_ERROR_CHARS` characters: values are quoted with
  :func:`clip`, which cuts a long value and escapes control characters.
"""

from __future__ import annotations

import os
import re
import unicodedata

import yaml

#: Default size limit of one input file, in MiB (the national all-forces zip is 76 MiB; its
#: 208 members hold 370 MiB uncompressed, the largest 3.9 MiB; a force extract is tens of MiB).
DEFAULT_MAX_INPUT_MB = 1024
#: Environment variable overriding the limit (a whole number of MiB, at least 1).
MAX_INPUT_ENV = "PERFPACK_MAX_INPUT_MB"
#: ``manifest.yml`` is small: anything over this many bytes is refused.
MAX_MANIFEST_BYTES = 64 * 1024
#: The longest error line printed (``error: `` prefix included).
MAX_ERROR_CHARS = 300
#: The longest value quoted in an error line.
MAX_QUOTED_CHARS = 40
#: The longest cell a text column may hold.
MAX_CELL_CHARS = 1000

#: Control characters refused in any cell or manifest value: C0 and C1 controls and DEL (tab,
#: line feed and carriage return are allowed inside a quoted cell), and the bidirectional
#: formatting characters that can make text read differently from what it holds.
CONTROL_PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
_CONTROL = re.compile(CONTROL_PATTERN)


ERROR_PREFIX = "error: "


class InputError(ValueError):
    """Bad input: ``str(error)`` is one line naming the file (and line and column) and problem."""


class IngestError(InputError):
    """Bad input: ``str(error)`` is one line naming file, line, column and problem, short enough
    that ``error: <message>`` is at most ``MAX_ERROR_CHARS`` characters.

    ``problems`` holds the full messages (first ones first, at most ``MAX_KEPT``) and ``count``
    how many problems were found in all.
    """

    MAX_KEPT = 200

    def __init__(self, message: str, problems: tuple[str, ...] = (), count: int = 1):
        message = one_line(message, MAX_ERROR_CHARS - len(ERROR_PREFIX))
        super().__init__(message)
        self.problems = tuple(problems[: self.MAX_KEPT]) or (message,)
        self.count = count


def max_input_bytes() -> int:
    """The size limit of one input file, in bytes (:data:`MAX_INPUT_ENV` or the default).

    Raises
    ------
    InputError
        When the environment variable is set but is not a whole number of MiB >= 1.
    """
    text = os.environ.get(MAX_INPUT_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_INPUT_MB * 1024 * 1024
    if not re.fullmatch(r"[0-9]{1,7}", text) or int(text) < 1:
        raise InputError(f"{MAX_INPUT_ENV} is {clip(text)}; it must be a whole number of MiB >= 1")
    return int(text) * 1024 * 1024


def size_text(n_bytes: int) -> str:
    """``1536`` -> ``'1.5 KiB'`` (for messages)."""
    size = float(n_bytes)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{int(size)} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"  # pragma: no cover


def check_size(n_bytes: int, name: str, limit: int | None = None) -> None:
    """Refuse ``name`` when it holds more than ``limit`` bytes (default :func:`max_input_bytes`)."""
    limit = max_input_bytes() if limit is None else limit
    if n_bytes > limit:
        raise InputError(
            f"{name}: {size_text(n_bytes)} is over the {size_text(limit)} limit for one input "
            f"file (set {MAX_INPUT_ENV} to raise it)"
        )


def clip(value, limit: int = MAX_QUOTED_CHARS) -> str:
    """``repr`` of ``value`` for an error line: control characters escaped, and cut to about
    ``limit`` characters with the full length stated (``'aaaa…' (5,000 characters)``)."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"


def one_line(message: str, limit: int = MAX_ERROR_CHARS) -> str:
    """``message`` on one line (line breaks escaped) and at most ``limit`` characters."""
    text = message.replace("\r", "\\r").replace("\n", "\\n")
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def control_character(text: str) -> str | None:
    """The first refused control character in ``text`` as ``U+0007``, or None."""
    found = _CONTROL.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def foreign_digit(text: str) -> str | None:
    """The first decimal digit in ``text`` that is not 0-9, described (``'٣' (ARABIC-INDIC DIGIT
    THREE)``), or None."""
    for char in text:
        if char.isdigit() and not ("0" <= char <= "9"):
            return f"{char!r} ({unicodedata.name(char, 'a digit')})"
    return None


# --------------------------------------------------------------------------------------------
# YAML


class StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses anchors, aliases and repeated mapping keys."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) are not allowed", event.start_mark
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "anchors (&name) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be plain text", key_node.start_mark
                ) from None
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key {clip(key)} appears more than once (first on line {seen[key] + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str, name: str):
    """Parse YAML ``text`` with :class:`StrictLoader`.

    Raises
    ------
    InputError
        ``name line N: not valid YAML (problem)`` for a syntax error, an anchor or alias, or a
        repeated key.
    """
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - StrictLoader is a SafeLoader
    except yaml.YAMLError as bad:
        mark = getattr(bad, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(bad, "problem", None) or "unreadable"
        raise InputError(one_line(f"{name}{where}: not valid YAML ({problem})")) from None
    except RecursionError:
        raise InputError(f"{name}: not valid YAML (nested too deeply)") from None
