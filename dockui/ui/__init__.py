"""Textual user interface of dockui: the app, its screens and widgets."""
