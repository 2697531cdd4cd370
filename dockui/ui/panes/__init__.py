"""The four panes of the dashboard (containers, images, networks, volumes) and their table."""
