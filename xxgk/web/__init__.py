"""The web app and HTTP API (``xxgk serve``): review uploaded reports in the browser, explore the corpus."""

from xxgk.web.app import Settings, create_app

__all__ = ["Settings", "create_app"]
