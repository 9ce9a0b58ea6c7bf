"""WSGI entry point (gunicorn wsgi:app, flask --app wsgi run): loads everything at startup or stops with a hint."""

import sys

from app import ConfigError, create_app
from web.resources import StartupError, load_resources

try:
    app = create_app()
    load_resources(app)
except (ConfigError, StartupError) as error:
    sys.exit(str(error))
