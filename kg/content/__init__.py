"""Curated content as data: YAML files validated by one schema module (``models``),
checked with file/line/field messages (``loader``), and written to a store (``load``)."""
