"""The security app has no tables of its own; models.py makes Django send it post_migrate."""
