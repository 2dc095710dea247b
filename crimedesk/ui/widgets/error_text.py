"""Errors told as sentences: what failed and why, never an exception's class name."""

from __future__ import annotations


def sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop (or its own closing mark)."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else f"{text}."


def error_sentence(what: str, error: object) -> str:
    """ "``what`` failed: <the error's message as a sentence>"; an error without a message is
    told as such (its type goes to the log, not to the analyst)."""
    reason = sentence(str(error)) or "It gave no reason; the log has the details."
    return f"{what[0].upper()}{what[1:]}: {reason}" if what else reason
