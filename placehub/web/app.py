"""The web app: server-rendered pages for people, a JSON API under /api for machines, one OpenAPI document.

``create_app(settings)`` wires the catalogue, signed session cookies (HttpOnly, SameSite=Lax, Secure over
https), security headers, static files (Leaflet is installed by scripts/install_web_assets.sh, never from a
CDN), optional OpenID Connect sign-in, and one router per area. Errors a user can fix (``PlacehubUserError``)
become a plain-English page or ``{"error": …}`` with the error's HTTP status.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import duckdb
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from placehub import __version__
from placehub.errors import PlacehubUserError
from placehub.settings import Settings
from placehub.store import open_catalogue
from placehub.web.config import WebSettings, web_settings
from placehub.web.deps import SignInRequired, optional_viewer
from placehub.web.rendering import render
from placehub.web.routes import ROUTERS
from placehub.web.vault_read import VaultBusy

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
SESSION_COOKIE = "placehub_session"

# Only this server: scripts, styles, data and map geometry all come from 'self'; nothing is framed.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_response(request: Request, exc: PlacehubUserError) -> Response:
    status = getattr(exc, "http_status", 400)
    if isinstance(exc, SignInRequired) and not _wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    if _wants_json(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": str(exc), "status": status}, status_code=status, headers=headers)
    try:
        viewer = optional_viewer(request)
    except PlacehubUserError:
        viewer = None
    return render(request, "error.html", viewer, {"message": str(exc), "status": status},
                  status_code=status, title="Something needs your attention")  # fmt: skip


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.catalogue.dispose()


_SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


class SecurityHeaders:
    """Adds the security headers to every response (and ``Cache-Control: no-store`` outside /static/), unless
    the response set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = _SECURITY_HEADERS
        if not scope["path"].startswith("/static/"):
            wanted = (*wanted, (b"cache-control", b"no-store"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in wanted if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(settings: Settings, web: WebSettings | None = None) -> FastAPI:
    """The placehub web app over one placehub home (catalogue + vault)."""
    settings.ensure_dirs()
    web = web or web_settings(settings)
    app = FastAPI(
        lifespan=_lifespan,
        title="placehub",
        version=__version__,
        description="Reconcile, share with purpose, act on and open up a place's data. "
        "Machines authenticate with `Authorization: Bearer <API token>` (each token serves one purpose).",
        docs_url=None,  # the interactive docs load scripts from a CDN: offline, serve only the document
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.web = web
    app.state.catalogue = open_catalogue(settings.database_url)
    app.state.oauth = None
    if web.oidc is not None:
        from placehub.web.oidc import register_provider

        app.state.oauth = register_provider(web.oidc)

    # a plain ASGI middleware, not @app.middleware("http"): that one runs every request through a task group
    # and memory streams, a cost paid on every page under load
    app.add_middleware(SecurityHeaders)

    # Added after the header middleware so that it wraps it: the session is available everywhere.
    app.add_middleware(
        SessionMiddleware,
        secret_key=web.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=web.session_hours * 3600,
        same_site="lax",
        https_only=web.secure_cookies,
    )

    @app.exception_handler(PlacehubUserError)
    async def user_error(request: Request, exc: PlacehubUserError) -> Response:
        return _error_response(request, exc)

    @app.exception_handler(duckdb.IOException)
    async def vault_busy(request: Request, exc: duckdb.IOException) -> Response:
        # DuckDB allows one writing process: a command-line load or match holds the vault for its duration.
        log.warning("vault busy for %s", request.url.path)
        return _error_response(request, VaultBusy(VaultBusy.MESSAGE))

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for router in ROUTERS:
        app.include_router(router)

    return app
