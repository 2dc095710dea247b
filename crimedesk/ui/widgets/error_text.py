"""Errors told as sentences: what failed and why, never an exception's class name."""

from __future__ import annotations

from crimedesk.domain.explain import NO_REASON, explain


def sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop (or its own closing mark)."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else f"{text}."


def error_sentence(what: str, error: object) -> str:
    """ "``what`` failed: <the error as a sentence>" (:func:`explain`): a full disk or a locked store
    in words, an error without a message told as such (its type goes to the log, not the analyst)."""
    reason = sentence(explain(error) if isinstance(error, BaseException) else str(error) or NO_REASON)
    return f"{what[0].upper()}{what[1:]}: {reason}" if what else reason
