"""Jobtavlen's application: tables, database, and the domain functions the pages call."""
