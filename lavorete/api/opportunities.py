"""API routes of opportunities (filled in by its owner)."""

from ninja import Router

router = Router(tags=["opportunities"])
