"""WSGI entry point (gunicorn wsgi:app, flask --app wsgi run): loads everything at startup or stops with a hint."""

from app import create_app
from web.resources import load_resources

app = create_app()
load_resources(app)
