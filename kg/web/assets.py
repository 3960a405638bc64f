"""Front-end assets from npm (installed by ``make`` into ``node_modules/``, never committed).

Only the files listed in :data:`ASSETS` are served, at ``/assets/<name>``.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, send_file

from kg.codegen import ROOT

bp = Blueprint("assets", __name__)

NODE_MODULES = ROOT / "node_modules"
#: Public name -> file under node_modules/.
ASSETS: dict[str, str] = {
    "yasgui.min.js": "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui.min.css": "@zazuko/yasgui/build/yasgui.min.css",
    "vis-timeline-graph2d.min.js": "vis-timeline/standalone/umd/vis-timeline-graph2d.min.js",
    "vis-timeline-graph2d.min.css": "vis-timeline/styles/vis-timeline-graph2d.min.css",
    "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
}


def asset_path(name: str) -> Path | None:
    """The file behind a public asset name, if it is listed and installed."""
    rel = ASSETS.get(name)
    if rel is None:
        return None
    path = NODE_MODULES / rel
    return path if path.is_file() else None


@bp.route("/assets/<name>")
def asset(name: str) -> Response:
    """Serve one listed asset with a long cache lifetime."""
    path = asset_path(name)
    if path is None:
        abort(
            404, description=f"no asset {name!r} (run 'make install' to fetch front-end packages)"
        )
    return send_file(path, max_age=86400)
