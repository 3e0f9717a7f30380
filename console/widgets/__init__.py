"""Widgets of the organiser's console, one a file."""
