"""Element-tree surgery that more than one extension needs."""

from __future__ import annotations

import xml.etree.ElementTree as etree


def split_paragraph(paragraph: etree.Element, separator: str) -> etree.Element | None:
    """Cut `paragraph` at the first `separator` in its own text (not inside an inline element,
    such as emphasis over two lines); return a new paragraph holding what follows, or None when
    there is no separator or nothing follows it."""
    pieces = [(None, paragraph.text)] + [(child, child.tail) for child in paragraph]
    for index, (child, text) in enumerate(pieces):
        if text and separator in text:
            before, after = text.split(separator, 1)
            rest = etree.Element("p")
            rest.text = after
            if child is None:
                paragraph.text = before
            else:
                child.tail = before
            for moved in [c for c, _ in pieces[index + 1 :]]:
                paragraph.remove(moved)
                rest.append(moved)
            return rest if (rest.text or "").strip() or len(rest) else None
    return None
