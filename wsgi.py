"""WSGI entry point (gunicorn wsgi:app, flask --app wsgi run): loads everything at startup or stops with a hint."""

import sys

from app import create_app
from web.resources import StartupError, load_resources

app = create_app()
try:
    load_resources(app)
except StartupError as error:
    sys.exit(str(error))
