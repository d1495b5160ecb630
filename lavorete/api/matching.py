"""API routes of matching (filled in by its owner)."""

from ninja import Router

router = Router(tags=["matching"])
