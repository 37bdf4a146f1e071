"""The "Making Data Count" summary icons of an SPC chart, as NHSRplotthedots chooses them, drawn
as small inline SVG (no scripts, no external files) with a text alternative.

- **Variation** (``ptd_get_icons``): the latest point's class: common cause, or special cause
  of improvement or concern, high or low (an Increase theme improves high and is of concern
  low; a Reduction theme the reverse).
- **Assurance** (``ptd_calculate_assurance_type``), only where a theme has a numeric target,
  judged against the latest segment's process limits: a target above the upper limit is a
  consistent fail for an Increase theme and a consistent pass for a Reduction theme; a target
  below the lower limit the reverse; a target between the limits is hit and miss (the process
  will sometimes meet it and sometimes not).
"""

from __future__ import annotations

import html

import pandas as pd

from perfpack.core import spc

VARIATION_WORDS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause variation: improvement (high)",
    "improvement_low": "Special cause variation: improvement (low)",
    "concern_high": "Special cause variation: concern (high)",
    "concern_low": "Special cause variation: concern (low)",
}
ASSURANCE_WORDS = {
    "pass": "Assurance: the process will consistently meet the target",
    "fail": "Assurance: the process will consistently fail the target",
    "hit_and_miss": "Assurance: hit and miss (the target lies inside the process limits)",
}
NO_TARGET = "no numeric target"

_GREY, _BLUE, _ORANGE = "#a6a6a6", "#0072b2", "#e69f00"


def variation(table: pd.DataFrame, target_direction: str) -> str:
    """The variation icon of an :func:`perfpack.core.spc.xmr` table, from its latest point.

    Returns
    -------
    str
        ``common_cause``, ``improvement_high``, ``improvement_low``, ``concern_high`` or
        ``concern_low`` (a key of :data:`VARIATION_WORDS`).
    """
    if target_direction not in spc.DIRECTIONS:
        raise ValueError(f"target_direction must be one of {spc.DIRECTIONS}")
    signal = table["signal"].iloc[-1]
    if signal == spc.COMMON_CAUSE:
        return "common_cause"
    increase = target_direction == "Increase"
    if signal == spc.IMPROVEMENT:
        return "improvement_high" if increase else "improvement_low"
    return "concern_low" if increase else "concern_high"


def assurance(target: float | None, table: pd.DataFrame, target_direction: str) -> str | None:
    """The assurance icon: ``pass``, ``fail`` or ``hit_and_miss``; None without a target.

    The target is compared with the latest segment's process limits (the last row's ``ucl`` and
    ``lcl``), as NHSRplotthedots compares it with the last point's limits.
    """
    if target is None or pd.isna(target):
        return None
    if target_direction not in spc.DIRECTIONS:
        raise ValueError(f"target_direction must be one of {spc.DIRECTIONS}")
    last = table.iloc[-1]
    increase = target_direction == "Increase"
    if target > last["ucl"]:
        return "fail" if increase else "pass"
    if target < last["lcl"]:
        return "pass" if increase else "fail"
    return "hit_and_miss"


def _svg(label: str, colour: str, body: str) -> str:
    text = html.escape(label)
    return (
        f'<svg class="mdc-icon" role="img" aria-label="{text}" width="28" height="28" '
        f'viewBox="0 0 28 28" xmlns="http://www.w3.org/2000/svg"><title>{text}</title>'
        f'<circle cx="14" cy="14" r="12.5" fill="#ffffff" stroke="{colour}" stroke-width="2.5"/>'
        f"{body}</svg>"
    )


def _letter(letter: str, colour: str) -> str:
    return (
        f'<text x="14" y="18.5" text-anchor="middle" font-family="sans-serif" font-size="13" '
        f'font-weight="bold" fill="{colour}">{letter}</text>'
    )


def variation_svg(kind: str) -> str:
    """Inline SVG of a variation icon (a key of :data:`VARIATION_WORDS`), with its words as
    ``<title>`` and ``aria-label``: grey dots for common cause; blue (improvement) or orange
    (concern) with H (high) or L (low)."""
    if kind not in VARIATION_WORDS:
        raise ValueError(f"unknown variation icon {kind!r}")
    if kind == "common_cause":
        dots = "".join(
            f'<circle cx="{x}" cy="{y}" r="2" fill="{_GREY}"/>'
            for x, y in ((7, 15), (11, 11), (15, 16), (19, 12), (22, 14))
        )
        return _svg(VARIATION_WORDS[kind], _GREY, dots)
    colour = _BLUE if kind.startswith("improvement") else _ORANGE
    return _svg(
        VARIATION_WORDS[kind], colour, _letter("H" if kind.endswith("high") else "L", colour)
    )


def assurance_svg(kind: str | None) -> str:
    """Inline SVG of an assurance icon (P blue, F orange, ? grey for hit and miss); without a
    target, the words "no numeric target" instead of an icon."""
    if kind is None:
        return f"<span>{NO_TARGET}</span>"
    if kind not in ASSURANCE_WORDS:
        raise ValueError(f"unknown assurance icon {kind!r}")
    letter, colour = {"pass": ("P", _BLUE), "fail": ("F", _ORANGE), "hit_and_miss": ("?", _GREY)}[
        kind
    ]
    return _svg(ASSURANCE_WORDS[kind], colour, _letter(letter, colour))
