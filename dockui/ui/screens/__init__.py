"""Screens the dashboard pushes (container details, ...)."""
