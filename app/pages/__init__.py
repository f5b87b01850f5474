"""The documents ILONet hands to people as HTML: one Jinja environment, one page style, one
Content-Security-Policy. Services give a template their figures; the templates never compute."""

from app.pages.render import PAGE_CSP, render, stored_page_csp

__all__ = ["PAGE_CSP", "render", "stored_page_csp"]
