"""The WSGI entry point: ``gunicorn 'web.wsgi:app'`` or ``waitress-serve --call web:create_app``.

The app reads its settings from the environment (``CEM_*``, ``NEO4J_*``: see the README) and
opens the store they name; a bad setting stops the server at start with a one-line message.
"""

from web import create_app

app = create_app()
