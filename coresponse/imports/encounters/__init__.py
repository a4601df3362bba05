"""Importing historical encounters from a program's spreadsheet."""
