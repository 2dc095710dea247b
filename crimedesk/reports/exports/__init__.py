"""Exports of what the filters select: a registry of file formats (:mod:`.formats`), each streaming
arrow batches to a temporary file that is renamed only when complete (:mod:`.service`)."""
