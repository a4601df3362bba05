"""Outcome measures: one typed function per measure, defined once.

Every page, PDF, export, API route and the `coresponse measures` command calls these
functions; none of them computes a measure on its own. Each module covers one subject
(encounters, referrals, calls, ...) and every function takes a `Selection`.
"""
