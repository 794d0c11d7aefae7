"""The browser front end of a study with people: a FastAPI app over a ``PersonStudy``.

``create_app(study, organiser_token)`` serves the participant page (``/s/<token>``), the
organiser page (``/o/<organiser token>``) and the JSON API under ``/api/`` that both pages
use (documented at ``/docs``). ``oraclelab elicit serve`` runs it with uvicorn. Needs the
``web`` extra (fastapi, uvicorn).
"""

from oraclelab._lazy import lazy_exports

_LAZY = {
    "oraclelab.elicit.person.web._app": ("create_app", "ORGANISER_TOKEN_KEY", "organiser_token"),
}
__all__: list[str] = sorted(name for names in _LAZY.values() for name in names)
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
