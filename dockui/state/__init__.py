"""Live models of engines: listing plus /events, reconnects, and the stats hub (no Textual)."""
