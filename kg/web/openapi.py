"""An OpenAPI 3.1 description of the app's routes, generated from the URL map, served at
``/openapi.json``. Generating it keeps it true as routes are added; the HTTP fuzz test
(``tests/test_http_fuzz.py``) drives every route it lists."""

from __future__ import annotations

import inspect
import re
from typing import Any

from flask import Blueprint, Flask, Response, current_app, json

from kg import __version__

bp = Blueprint("openapi", __name__)

_PARAM = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>[a-zA-Z_]+)>")


def _path_template(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for m in _PARAM.finditer(rule):
        schema: dict[str, Any] = {"type": "integer" if m.group("conv") == "int" else "string"}
        params.append({"name": m.group("name"), "in": "path", "required": True, "schema": schema})
    return _PARAM.sub(lambda m: "{" + m.group("name") + "}", rule), params


def describe_app(app: Flask) -> dict[str, Any]:
    """The OpenAPI document for every public route of ``app``."""
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        template, params = _path_template(rule.rule)
        view = app.view_functions[rule.endpoint]
        doc = inspect.getdoc(view) or rule.endpoint
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation: dict[str, Any] = {
                "operationId": f"{rule.endpoint}.{method.lower()}",
                "summary": doc.splitlines()[0],
                "description": doc,
                "responses": {
                    "200": {"description": "OK"},
                    "4XX": {"description": "Client error, with a message"},
                },
            }
            if params:
                operation["parameters"] = params
            paths.setdefault(template, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "kg", "version": __version__},
        "paths": paths,
    }


@bp.route("/openapi.json")
def openapi() -> Response:
    """The OpenAPI description of this service."""
    return Response(json.dumps(describe_app(current_app)), mimetype="application/json")
