"""Harvesting for aggregators (issue 7): the VoID/DCAT description, dumps, Triple Pattern
Fragments and sitemaps. The expensive parts are computed at ingest time by
:func:`refresh_harvest`; the web routes in ``kg.web.harvest`` only read them.
"""

from kg.harvest.refresh import HarvestError, HarvestReport, refresh_harvest

__all__ = ["HarvestError", "HarvestReport", "refresh_harvest"]
