"""Sign in and out (password with lock-out, or OpenID Connect) and choose a purpose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from placehub.errors import NotPermitted
from placehub.govern import AgreementState, Role, current_agreements
from placehub.govern.people import UserInfo
from placehub.web.csrf import check_csrf, csrf_token
from placehub.web.deps import (
    Viewer,
    catalogue_of,
    current_viewer,
    web_of,
)
from placehub.web.lockout import sign_in
from placehub.web.rendering import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute or scheme-relative URL (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _home_for(user: UserInfo) -> str:
    return "/" if user.role in (Role.ANALYST, Role.IG_OFFICER) else "/map"


def _start_session(request: Request, user: UserInfo) -> None:
    request.session.clear()  # a new session on sign-in: no fixation
    request.session["user"] = user.username
    csrf_token(request)


@dataclass(frozen=True)
class LoginPage:
    next: str
    username: str = ""
    error: str | None = None
    oidc_label: str | None = None


def _login_page(request: Request, page: LoginPage, status_code: int = 200) -> Response:
    return render(request, "login.html", None, page, status_code=status_code, title="Sign in")


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str = "/") -> Response:
    web = web_of(request)
    label = web.oidc.label if web.oidc else None
    return _login_page(request, LoginPage(next=_safe_next(next), oidc_label=label))


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf_token_field: str = Form("", alias="csrf_token"),
    next: str = Form("/"),
) -> Response:
    web = web_of(request)
    label = web.oidc.label if web.oidc else None
    check_csrf(request, csrf_token_field)
    try:
        user = sign_in(catalogue_of(request), web, username, password)
    except NotPermitted as exc:
        page = LoginPage(next=_safe_next(next), username=username, error=str(exc), oidc_label=label)
        return _login_page(request, page, status_code=exc.http_status)
    _start_session(request, user)
    target = _safe_next(next)
    return RedirectResponse(target if target != "/" else _home_for(user), status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf_token_field: str = Form("", alias="csrf_token")) -> Response:
    check_csrf(request, csrf_token_field)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/login/oidc", include_in_schema=False)
async def login_oidc(request: Request) -> Response:
    oauth = request.app.state.oauth
    if oauth is None:
        raise NotPermitted("Sign-in with an identity provider is not set up here (PLACEHUB_OIDC_ISSUER).")
    from placehub.web import oidc  # Authlib is needed only when a provider is set up

    return await oidc.start(oauth, request, str(request.url_for("login_oidc_callback")))


@router.get("/login/oidc/callback", include_in_schema=False)
async def login_oidc_callback(request: Request) -> Response:
    web = web_of(request)
    if request.app.state.oauth is None or web.oidc is None:
        raise NotPermitted("Sign-in with an identity provider is not set up here (PLACEHUB_OIDC_ISSUER).")
    from placehub.web import oidc

    user = await oidc.finish(request.app.state.oauth, request, catalogue_of(request), web.oidc)
    _start_session(request, user)
    return RedirectResponse(_home_for(user), status_code=303)


@dataclass(frozen=True)
class PurposeChoice:
    code: str
    title: str
    agreement: str


def purposes_for(request: Request, viewer: Viewer) -> list[PurposeChoice]:
    """Purposes of agreements in force today that name the viewer's organisation as a recipient."""
    today = date.today()
    return [
        PurposeChoice(a.purpose, a.title, a.ref)
        for a in current_agreements(catalogue_of(request))
        if a.is_recipient(viewer.organisation) and a.state(today) is AgreementState.ACTIVE
    ]


@router.post("/purpose", include_in_schema=False)
def choose_purpose(
    request: Request,
    purpose: str = Form(...),
    csrf_token_field: str = Form("", alias="csrf_token"),
    next: str = Form("/"),
    viewer: Viewer = Depends(current_viewer),
) -> Response:
    check_csrf(request, csrf_token_field)
    if purpose not in {p.code for p in purposes_for(request, viewer)}:
        raise NotPermitted(
            f"{viewer.organisation} is not a recipient of any agreement with the purpose '{purpose}'."
        )
    request.session["purpose"] = purpose
    return RedirectResponse(_safe_next(next), status_code=303)


class Me(BaseModel):
    username: str
    organisation: str
    role: str
    purpose: str | None
    authenticated_by: str


@router.get("/api/me", response_model=Me, tags=["auth"])
def me(viewer: Viewer = Depends(current_viewer)) -> Me:
    """Who the request is authenticated as (session cookie or API token) and under which purpose."""
    return Me(
        username=viewer.username,
        organisation=viewer.organisation,
        role=viewer.role.value,
        purpose=viewer.purpose,
        authenticated_by="token" if viewer.by_token else "session",
    )


@router.get("/api/health", tags=["auth"])
def health() -> dict[str, str]:
    """Liveness: the app is up (no sign-in needed)."""
    return {"status": "ok"}
