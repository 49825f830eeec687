"""Data twins of the pages: `{page}.json`, `{page}.csv`, `{page}.parquet`, one mechanism for all.

    @twin(router, "/wilayah/{code}")
    def region_table(request, code) -> Table: ...      # the page's record set as a `Table`

registers `GET /wilayah/{code}.{fmt}` (fmt json, csv or parquet) on `router`; the body comes from
the one renderer of that format (`capaian.records.render`). A table with a `cache_key` has its
bodies kept per format (`WebState.twin`). Register a twin before its page's route, so that the
page's `{code}` never takes `65.json`.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from starlette.convertors import Convertor, register_url_convertor

from capaian.records.render import FORMATS, Table, render

__all__ = ["Table", "twin"]


class DataFormat(Convertor):
    regex = "json|csv|parquet"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("dataformat", DataFormat())


def twin(router, page_path: str):
    """Decorator: `builder(request, **path params) -> Table` becomes the page's data twins."""
    from capaian.web.common import hybrid, web

    def register(builder):
        async def handler(request: Request):
            params = dict(request.path_params)
            fmt = params.pop("fmt")

            def respond():
                table = builder(request, **params)
                if getattr(table, "cache_key", None) is not None:
                    body = web(request).twin((*table.cache_key, fmt), lambda: render(table, fmt)[0])
                else:
                    body = render(table, fmt)[0]
                headers = {} if fmt == "json" else {
                    "Content-Disposition": f'attachment; filename="{table.name}.{fmt}"'}
                return Response(body, media_type=FORMATS[fmt], headers=headers)

            return await hybrid(respond)

        handler.__name__ = f"{builder.__name__}_twin"
        router.add_api_route(page_path + ".{fmt:dataformat}", handler, methods=["GET"], include_in_schema=False)
        return builder

    return register


def query_flag(request, name: str) -> bool:
    return str(request.query_params.get(name, "")).lower() in ("1", "true", "yes", "on")
