"""WSGI entry point (gunicorn wsgi:app, flask --app wsgi run): loads everything at startup or stops with a hint."""

import os
import sys

from app import ConfigError, create_app
from web.resources import StartupError, load_resources

# gunicorn stops (instead of starting the worker again and again) when a worker exits with 4, "App failed to load".
APP_LOAD_ERROR = 4

try:
    app = create_app(instance_path=os.environ.get("PETA_INSTANCE_PATH"))  # one folder per instance
    load_resources(app)
except StartupError as error:  # its message says "Peta Cakupan cannot start: …"
    print(error, file=sys.stderr)
    sys.exit(APP_LOAD_ERROR)
except ConfigError as error:
    print(f"Peta Cakupan cannot start: {error}", file=sys.stderr)
    sys.exit(APP_LOAD_ERROR)
