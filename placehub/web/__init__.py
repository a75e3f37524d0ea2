"""The web app (FastAPI): server-rendered pages for people, a JSON API under /api for machines.

``create_app(settings)`` builds it; ``placehub serve`` runs it. See docs/web.md.
"""

from placehub.web.app import create_app

__all__ = ["create_app"]
