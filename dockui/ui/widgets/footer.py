"""KeysFooter: Textual's Footer, recomposed only when the keys it shows changed.

Textual's Footer rebuilds all its key widgets (~20 ms here with the dashboard's keys)
on every `refresh_bindings()`, and queues one rebuild per call: at start-up, focus,
tab activation, the first row highlight and the first list each ask, so the first
paint waited for seven rebuilds of an identical footer. This one queues at most one
rebuild at a time, and skips it when the shown keys (key, label, enabled, tooltip)
are the same as on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen

Signature = tuple[object, ...]


class KeysFooter(Footer):
    """A Footer that rebuilds once per change of what it shows."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._rebuild_queued = False
        self._shown: Signature | None = None

    def bindings_changed(self, screen: Screen) -> None:
        # Same checks as Footer.bindings_changed, but one queued rebuild at most.
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_queued:
            self._rebuild_queued = True
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        self._rebuild_queued = False
        if not self.is_attached:
            return
        shown = self._signature()
        if shown == self._shown:
            return
        self._shown = shown
        await self.recompose()

    def _signature(self) -> Signature:
        """What compose() would show: every shown binding with its display and state."""
        app = self.app
        active = self.screen.active_bindings
        keys = tuple(
            (
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                binding.group,
                enabled,
                tooltip,
            )
            for (_, binding, enabled, tooltip) in active.values()
            if binding.show or binding.key == app.COMMAND_PALETTE_BINDING
        )
        return (keys, self.show_command_palette, self.combine_groups, self.compact)
