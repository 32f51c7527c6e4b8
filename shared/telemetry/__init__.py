"""Structured telemetry: event and field names, emitting them, and exporting to Azure Monitor."""
