"""Thin triggers: parse, authorize, call a service, render. One blueprint per area."""
