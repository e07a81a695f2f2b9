"""Community emergency-management knowledge graph: schema, stores, content and CLI."""

__version__ = "0.1.0"
