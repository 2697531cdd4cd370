"""Create/edit forms the dashboard pushes with `n` (run, pull, build, network, volume, ...).

Every form validates with `dockui.ui.forms.validators` before it sends anything, shows
the engine's answer next to the field it concerns, and dismisses with a result the app
can notify (or None when cancelled).
"""
