"""Text from data (addresses, offense descriptions, file headers, server replies) made safe to show.

Data is shown as text, never as markup; that is the display surface's job (Qt's plain-text labels,
the DOM's ``textContent``). What is left is Unicode's bidirectional controls: an embedding,
override or isolate character in a field reverses or reorders the text shown after it, so an
address or offense could read differently from what is stored (the "Trojan Source" trick). They are
shown as visible ``[U+202E]`` marks instead, which also tells the analyst the data holds them.
"""

from __future__ import annotations

import html

#: LRE, RLE, PDF, LRO, RLO (U+202A–U+202E) and LRI, RLI, FSI, PDI (U+2066–U+2069).
BIDI_CONTROLS = "".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
_VISIBLE = str.maketrans({char: f"[U+{ord(char):04X}]" for char in BIDI_CONTROLS})


def display_text(value: object) -> str:
    """``value`` as text to show: "" for None, bidirectional controls as visible marks."""
    return "" if value is None else str(value).translate(_VISIBLE)


def html_text(value: object) -> str:
    """``value`` as :func:`display_text`, escaped to go inside our own HTML: markup in it shows as
    text, line breaks stay line breaks."""
    return html.escape(display_text(value)).replace("\n", "<br>")
