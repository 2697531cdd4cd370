"""An inspect document as a foldable, searchable tree, with secret env values masked.

Keys and values come from whoever created the container, so every label is a
`rich.text.Text` built from `sanitize.clean` output, never markup. Values of environment
variables whose names look secret (PASSWORD, TOKEN, KEY, ...) are shown as dots until the
user toggles them; search runs over what is shown, so a masked value cannot be found
(and revealed) by searching for it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static, Tree
from textual.widgets.tree import TreeNode

from dockui.sanitize import clean
from dockui.ui.widgets.log_view import make_matcher

SECRET_NAME = re.compile(
    r"PASS|PWD|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE|AUTH|CERT|SALT|SESSION|COOKIE|DSN",
    re.IGNORECASE,
)
MASK = "••••••••"
# Env-like lists: these hold NAME=value strings whose values may be secrets.
_ENV_KEYS = {"Env"}

_KEY_STYLE = "bold"
_STYLES = {str: "green", int: "cyan", float: "cyan", bool: "magenta", type(None): "magenta"}
_MATCH_STYLE = "reverse"


def looks_secret(name: str) -> bool:
    """True for env names that usually hold credentials."""
    return SECRET_NAME.search(name) is not None


@dataclass
class EnvEntry:
    """Node data of one `NAME=value` env entry."""

    key: str
    name: str
    value: str
    secret: bool


def _scalar(value: Any) -> Text:
    shown = json.dumps(value) if not isinstance(value, str) else json.dumps(clean(value))
    return Text(shown, style=_STYLES.get(type(value), ""))


class JsonView(Vertical):
    """Inspect JSON in a Tree: fold with enter/space, `/` search, `m` reveals secrets."""

    DEFAULT_CSS = """
    JsonView { height: 1fr; }
    JsonView > #json-status { height: 1; background: $panel; color: $foreground-muted; }
    JsonView > Tree { height: 1fr; }
    JsonView > #json-prompt { display: none; }
    JsonView > #json-prompt.-visible { display: block; }
    """

    BINDINGS = [
        Binding("slash", "search_prompt", "Search"),
        Binding("n", "next_match", "Next", show=False),
        Binding("N", "previous_match", "Prev", show=False),
        Binding("m", "toggle_secrets", "Secrets"),
        Binding("o", "expand_all", "Expand all"),
        Binding("O", "collapse_all", "Collapse all"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.reveal = False
        self.data: Any = None
        self._tree_nodes: list[TreeNode[Any]] = []
        self._labels: dict[int, Text] = {}
        self._search: re.Pattern[str] | None = None
        self._search_text = ""
        self._matches: list[TreeNode[Any]] = []
        self._current = -1

    @property
    def json_tree(self) -> Tree[Any]:
        return self.query_one("#json-tree", Tree)

    def compose(self) -> ComposeResult:
        yield Static(id="json-status", markup=False)
        tree: Tree[Any] = Tree(Text("container"), id="json-tree")
        tree.show_root = False
        yield tree
        yield Input(id="json-prompt", placeholder="search keys and values (or re:regex)")

    def on_mount(self) -> None:
        self._update_status()

    # ------------------------------------------------------------------ building

    def load(self, data: Any) -> None:
        """Show `data` (an inspect document); top-level objects start expanded."""
        self.data = data
        tree = self.json_tree
        tree.clear()
        self._tree_nodes = []
        self._labels = {}
        self._add(tree.root, data, depth=0, parent_key="")
        tree.root.expand()
        self._refresh_matches(keep_position=False)

    def _remember(self, node: TreeNode[Any], label: Text) -> None:
        self._tree_nodes.append(node)
        self._labels[node.id] = label

    def _add(self, parent: TreeNode[Any], value: Any, *, depth: int, parent_key: str) -> None:
        items: list[tuple[str, Any]]
        if isinstance(value, dict):
            items = [(str(k), v) for k, v in value.items()]
        elif isinstance(value, list):
            items = [(str(i), v) for i, v in enumerate(value)]
        else:
            return
        for key, child in items:
            key_text = Text(clean(key), style=_KEY_STYLE)
            if isinstance(child, dict | list):
                brackets = "{}" if isinstance(child, dict) else "[]"
                label = Text.assemble(key_text, f" {brackets[0]}{len(child)}{brackets[1]}")
                node = parent.add(label, data=None, expand=depth < 1)
                self._remember(node, label)
                self._add(node, child, depth=depth + 1, parent_key=key)
            elif parent_key in _ENV_KEYS and isinstance(child, str):
                name, sep, val = child.partition("=")
                entry = EnvEntry(key, name, val if sep else "", looks_secret(name) and bool(sep))
                label = self._env_label(key_text, entry)
                node = parent.add_leaf(label, data=entry)
                self._remember(node, label)
            else:
                label = Text.assemble(key_text, ": ", _scalar(child))
                node = parent.add_leaf(label, data=None)
                self._remember(node, label)

    def _env_label(self, key_text: Text, entry: EnvEntry) -> Text:
        if entry.secret and not self.reveal:
            shown = Text.assemble(
                (clean(entry.name), "green"), "=", (MASK, "bold red"), ("  (m reveals)", "dim")
            )
        else:
            shown = Text(clean(f"{entry.name}={entry.value}"), style="green")
        return Text.assemble(key_text, ": ", shown)

    # ------------------------------------------------------------------ secrets

    def action_toggle_secrets(self) -> None:
        self.reveal = not self.reveal
        for node in self._tree_nodes:
            if isinstance(node.data, EnvEntry):
                key_text = Text(clean(node.data.key), style=_KEY_STYLE)
                label = self._env_label(key_text, node.data)
                self._labels[node.id] = label
                node.set_label(label)
        self._refresh_matches(keep_position=True)
        self.notify(
            "Secret values are shown." if self.reveal else "Secret values are masked.",
            markup=False,
        )

    # ------------------------------------------------------------------ search

    def action_search_prompt(self) -> None:
        prompt = self.query_one("#json-prompt", Input)
        prompt.value = self._search_text
        prompt.add_class("-visible")
        prompt.focus()

    def on_key(self, event: Any) -> None:
        prompt = self.query_one("#json-prompt", Input)
        if event.key == "escape" and prompt.has_focus:
            event.stop()
            event.prevent_default()
            prompt.remove_class("-visible")
            self.json_tree.focus()

    @on(Input.Submitted, "#json-prompt")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        prompt = self.query_one("#json-prompt", Input)
        prompt.remove_class("-visible")
        self.json_tree.focus()
        self.search_for(event.value.strip())

    def search_for(self, query: str) -> None:
        """Highlight nodes whose shown text matches `query` and go to the first."""
        self._search_text = query
        try:
            self._search = make_matcher(query) if query else None
        except re.error as exc:
            self._search = None
            self.notify(f"Invalid regular expression: {exc}", severity="error", markup=False)
        self._refresh_matches(keep_position=False)
        if self._matches:
            self._go(0)

    def _refresh_matches(self, *, keep_position: bool) -> None:
        previous = self._matches[self._current] if 0 <= self._current < len(self._matches) else None
        self._matches = []
        for node in self._tree_nodes:
            label = self._labels[node.id]
            if self._search is None:
                node.set_label(label)
                continue
            found = list(self._search.finditer(label.plain))
            if found:
                marked = label.copy()
                for m in found:
                    if m.end() > m.start():
                        marked.stylize(_MATCH_STYLE, m.start(), m.end())
                node.set_label(marked)
                self._matches.append(node)
            else:
                node.set_label(label)
        self._current = -1
        if keep_position and previous in self._matches:
            self._current = self._matches.index(previous)
        self._update_status()

    def _go(self, index: int) -> None:
        if not self._matches:
            return
        self._current = index % len(self._matches)
        node = self._matches[self._current]
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        tree = self.json_tree

        def move() -> None:
            # Expanding changes the tree's lines only at the next refresh.
            tree.move_cursor(node)
            tree.scroll_to_node(node, animate=False)

        tree.call_after_refresh(move)
        self._update_status()

    def action_next_match(self) -> None:
        self._go(self._current + 1)

    def action_previous_match(self) -> None:
        self._go(self._current - 1)

    def action_expand_all(self) -> None:
        self.json_tree.root.expand_all()

    def action_collapse_all(self) -> None:
        for child in self.json_tree.root.children:
            child.collapse_all()

    @property
    def matches(self) -> list[TreeNode[Any]]:
        return list(self._matches)

    def _update_status(self) -> None:
        if not self.is_mounted:
            return
        parts = ["secrets shown (m hides)" if self.reveal else "secrets masked (m reveals)"]
        if self._search_text:
            if self._matches:
                parts.append(f"search {self._search_text} {self._current + 1}/{len(self._matches)}")
            else:
                parts.append(f"search {self._search_text} (no match)")
        self.query_one("#json-status", Static).update(Text(clean(" │ ".join(parts))))
