"""Modal screens of the dashboard: confirmations, kill signal, prune preview, filter, help."""
