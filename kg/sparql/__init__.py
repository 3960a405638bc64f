"""The SPARQL service behind ``/sparql`` and ``/update``.

- :mod:`kg.sparql.safety`: inspect a query or update before anything evaluates it
  (query form, SERVICE / LOAD refused, nesting limit);
- :mod:`kg.sparql.results`: serialise pyoxigraph results under a row cap;
- :mod:`kg.sparql.executor`: run queries in worker processes killed at the deadline;
- :mod:`kg.sparql.worker`: the worker process itself;
- :mod:`kg.sparql.service_description`: the W3C Service Description of the endpoint;
- :mod:`kg.sparql.examples`: example queries for scholars, shown in the query UI.

This package imports only light modules so that a worker process starts quickly.
"""
