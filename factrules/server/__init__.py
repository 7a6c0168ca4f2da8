"""The HTTP API and browser playground (``factrules serve``).

``app`` is the Starlette web layer and ``openapi`` the API description
(both need the ``server`` extra); ``check`` is what a request means, free
of Starlette; ``workers`` binds the socket and runs uvicorn in one process
or several; ``static/`` is the playground. This package imports none of
them itself, so the command line works without the extra.
"""
