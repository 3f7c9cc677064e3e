"""What Word and PowerPoint packages share: the DrawingML namespace, the declared pages and signature parts."""

from __future__ import annotations

import re

from tinbai.parsers.facts import FileFacts

# DrawingML, the a: namespace of shapes, charts and themes
DML = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def package_info(blobs: dict[str, bytes], facts: FileFacts) -> None:
    """Pages as the authoring program last counted them, and signature parts (OOXML signing).
    `blobs`: the package's parts (name -> bytes) reached from its relationships."""
    signatures = [n for n in blobs if n.startswith("/_xmlsignatures/") and n.endswith(".xml")]
    if signatures:
        facts.info["xml_signatures"] = len(signatures)
    app = blobs.get("/docProps/app.xml")
    if app is not None:
        m = re.search(rb"<(?:\w+:)?(Pages|Slides)>(\d+)<", app)
        if m and facts.pages is None:
            facts.info["pages_declared"] = int(m[2])
