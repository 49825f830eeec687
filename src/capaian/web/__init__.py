"""The web dashboard and REST API (FastAPI app factory: `create_app`)."""

from capaian.web.app import create_app

__all__ = ["create_app"]
