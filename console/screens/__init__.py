"""Screens of the organiser's console."""
