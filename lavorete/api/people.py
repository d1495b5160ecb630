"""API routes of the people app: the same selectors and access helpers as the pages."""

from ninja import Router

router = Router(tags=["people"])
