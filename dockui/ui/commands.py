"""Every dashboard action in one table, and the command palette provider that lists them.

The table drives the key bindings, the footer, help (`?`) and the palette (`ctrl+p`),
so a key cannot exist in one place and be missing in another. Each entry says which
panes it applies to and whether it writes to the engine (then `--read-only` hides and
refuses it). DESIGN.md's default keys are the source.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

C = "containers"
PANES = ("containers", "images", "networks", "volumes")


@dataclass(frozen=True, slots=True)
class Key:
    key: str  # Textual key name(s), comma-separated
    action: str  # App action (with params)
    label: str  # footer / palette text
    where: tuple[str, ...] = PANES
    write: bool = False
    show: bool = True
    display: str = ""  # how help shows the key, when not `key`

    @property
    def name(self) -> str:
        """The action's method name (without parameters)."""
        return self.action.split("(", 1)[0]


KEYS: list[Key] = [
    Key("1", "show_pane('containers')", "Containers", show=False),
    Key("2", "show_pane('images')", "Images", show=False),
    Key("3", "show_pane('networks')", "Networks", show=False),
    Key("4", "show_pane('volumes')", "Volumes", show=False),
    Key("enter", "details", "Details", (C,), display="enter"),
    Key("u", "start", "Start", (C,), write=True),
    Key("s", "stop", "Stop", (C,), write=True),
    Key("r", "restart", "Restart", (C,), write=True),
    Key("p", "pause", "Pause", (C,), write=True),
    Key("p", "unpause", "Unpause", (C,), write=True),
    Key("K", "kill", "Kill…", (C,), write=True),
    Key("d", "remove", "Remove…", write=True),
    Key("P", "prune", "Prune…", write=True),
    Key("n", "new", "New…", write=True),
    Key("enter", "image_history", "History", ("images",), show=False, display="enter"),
    Key("S", "system", "Engine", show=False),
    Key("F", "fleet", "Fleet of engines", show=False),
    Key("C", "contexts", "Docker contexts", show=False),
    Key("W", "swarm", "Swarm", show=False),
    Key("l", "logs", "Logs", (C,)),
    Key("i", "inspect", "Inspect", (C,)),
    Key("t", "top", "Top", (C,)),
    Key("e", "exec", "Exec shell", (C,), write=True),
    Key("a", "attach", "Attach", (C,), write=True),
    Key("space", "mark", "Select", show=False, display="space"),
    Key("slash", "filter", "Filter", display="/"),
    Key("o", "sort_next", "Sort", show=False),
    Key("O", "sort_reverse", "Reverse sort", show=False),
    Key("A", "toggle_all", "All/running", (C,), show=False),
    Key("escape", "clear", "Clear selection/filter", show=False, display="esc"),
    Key("question_mark", "help", "Help", display="?"),
    Key("q", "quit", "Quit"),
]

# Keys a DataTable handles itself; listed in help so it covers every key.
TABLE_KEYS: list[tuple[str, str]] = [
    ("j / ↓", "move down"),
    ("k / ↑", "move up"),
    ("g / G", "first / last row"),
    ("pgup / pgdn", "page up / down"),
    ("ctrl+p", "command palette: every action by name"),
]

WRITE_ACTIONS = frozenset(k.name for k in KEYS if k.write)


def bindings() -> list[Binding]:
    return [
        Binding(k.key, k.action, k.label, show=k.show, key_display=k.display or None) for k in KEYS
    ]


class DashboardCommands(Provider):
    """Palette entries for every action the current selection allows."""

    def _entries(self) -> list[tuple[str, str]]:
        app = self.app
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        for k in KEYS:
            if k.action in seen:
                continue
            seen.add(k.action)
            allowed = app.check_action(k.name, ())  # type: ignore[arg-type]
            if k.name == "show_pane" or allowed:
                where = "" if k.where == PANES else f" ({', '.join(k.where)})"
                shown = k.display or k.key
                out.append((f"{k.label}{where} · key {shown}", k.action))
        return out

    async def discover(self) -> Hits:
        for text, action in self._entries():
            yield DiscoveryHit(text, self._runner(action), help=action)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, action in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), self._runner(action), help=action)

    def _runner(self, action: str):  # type: ignore[no-untyped-def]
        async def run() -> None:
            await self.app.run_action(action)

        return run
