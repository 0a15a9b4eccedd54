"""sidebyside's alignment library: documents, segmentation, embeddings, alignment, differences, export.

Pure functions over plain dataclasses; no Textual, no global state. The model sits behind the small
`Embedder` protocol so tests can use a deterministic embedder and the app can cache embeddings.
"""

__version__ = "0.1.0"

from align.document import Document, DocumentError, Sentence, document_from_text, read_document

__all__ = ["__version__", "Document", "DocumentError", "Sentence", "document_from_text", "read_document"]
