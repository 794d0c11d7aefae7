"""The web app: the two pages, their static files, the API, and every error as ``{"error": "..."}``.

The pages are plain HTML and JavaScript (no build step) that talk only to the API; they get no
data from the server but JSON, and put every text from it (class names included) into the
page as text, never as HTML. A Content-Security-Policy allows only the app's own scripts,
and no page sends its address (which carries the secret token) as a referrer.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Awaitable, Callable

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from oraclelab import __version__
from oraclelab.elicit.person._session import AnswerRejected
from oraclelab.elicit.person._study import PersonStudy
from oraclelab.elicit.person.web._api import is_organiser, router, study_of
from oraclelab.errors import OracleLabError

__all__ = ["create_app", "organiser_token", "ORGANISER_TOKEN_KEY"]

#: The key of the organiser's token in the study store's meta table.
ORGANISER_TOKEN_KEY = "organiser_token"

STATIC = Path(__file__).parent / "static"

_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}

_UNKNOWN_LINK = ("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Unknown link</title>"
                 "<p>This link does not open anything here. Check the link you were given.</p></html>")

_DESCRIPTION = """Ask people which of two classifiers they prefer and elicit their metric.

Every participant has one secret link, `/s/<token>`; the token addresses their session in
`/api/sessions/<token>/...` and nothing else. The organiser's link `/o/<token>` and
`/api/organiser/<token>/...` reach the study. Errors are `{"error": "one line"}` with a 4xx
status: 404 for an unknown token, 409 for an answer that cannot be taken now (a question
that was not asked, one already answered, a finished session), 422 for a malformed body.
"""


def organiser_token(study: PersonStudy) -> str:
    """The study's organiser token, made on first use (256 random bits) and kept in the store, so links survive restarts."""
    token = study.store.meta(ORGANISER_TOKEN_KEY)
    if token is None:
        token = secrets.token_urlsafe(32)
        study.store.set_meta(ORGANISER_TOKEN_KEY, token)
    return token


def _error(status_code: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": " ".join(str(message).split())}, status_code=status_code, headers=headers)


def _validation_message(errors: list[dict]) -> str:
    """FastAPI's validation errors as one line naming each field: "choice: Input should be 'left', 'right' or 'equal'"."""
    parts = []
    for error in errors:
        if error.get("type") == "json_invalid":
            parts.append("the body is not valid JSON")
            continue
        field = ".".join(str(part) for part in error.get("loc", ())[1:]) or "body"
        parts.append(f"{field}: {error.get('msg', 'invalid')}")
    return "; ".join(dict.fromkeys(parts)) or "the request is malformed"


def _page(name: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type="text/html", headers=_PAGE_HEADERS)


def create_app(study: PersonStudy, organiser_token: str) -> FastAPI:
    """The app serving ``study``: participant pages, the organiser page for ``organiser_token``, the API and /docs."""
    app = FastAPI(title="oraclelab: asking people", version=__version__, description=_DESCRIPTION)
    app.state.study = study
    app.state.organiser_token = str(organiser_token)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/s/{token}", response_class=HTMLResponse, include_in_schema=False, name="participant_page")
    def participant_page(token: str, request: Request) -> Response:
        if study_of(request).store.participant_by_token(token) is None:
            return HTMLResponse(_UNKNOWN_LINK, status_code=status.HTTP_404_NOT_FOUND, headers=_PAGE_HEADERS)
        return _page("participant.html")

    @app.get("/o/{otoken}", response_class=HTMLResponse, include_in_schema=False, name="organiser_page")
    def organiser_page(otoken: str, request: Request) -> Response:
        if not is_organiser(request, otoken):
            return HTMLResponse(_UNKNOWN_LINK, status_code=status.HTTP_404_NOT_FOUND, headers=_PAGE_HEADERS)
        return _page("organiser.html")

    @app.get("/favicon.ico", include_in_schema=False)
    def no_icon() -> Response:
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return _error(error.status_code, error.detail, getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        return _error(422, _validation_message(list(error.errors())))

    @app.exception_handler(AnswerRejected)
    async def rejected(request: Request, error: AnswerRejected) -> JSONResponse:
        return _error(status.HTTP_409_CONFLICT, str(error))

    @app.exception_handler(OracleLabError)
    async def user_error(request: Request, error: OracleLabError) -> JSONResponse:
        return _error(status.HTTP_400_BAD_REQUEST, str(error))

    @app.middleware("http")
    async def private_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
