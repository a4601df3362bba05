"""Importing dispatch calls for service from CAD exports."""
