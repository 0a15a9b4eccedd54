"""Small single-topic helpers the library's modules share (one module a topic, as sentence-transformers' util/)."""
