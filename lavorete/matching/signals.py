"""Keeping stored matches fresh when people or opportunities change."""


def connect() -> None:
    """Placeholder: connected by the matching services."""
