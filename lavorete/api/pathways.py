"""API routes of the pathways app: the same selectors and access helpers as the pages."""

from ninja import Router

router = Router(tags=["pathways"])
