"""kg: a linked-data service for Cold War archival documents."""

__version__ = "0.1.0"
