"""Serving the assistant to other programs (a Wyoming conversation agent)."""
