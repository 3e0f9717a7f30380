"""KeysPanel: every key of the screen in a side panel, the console's own keys first (what this
screen does, then what works everywhere) and the focused widget's cursor keys last."""

from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static


def console_actions(node) -> set[str]:
    """Actions of the keys the console itself defines on `node` (not those Textual adds)."""
    return {
        binding.action if hasattr(binding, "action") else binding[1]
        for cls in type(node).__mro__
        if cls.__module__.startswith("console.")
        for binding in cls.__dict__.get("BINDINGS", ())
    }


class KeysPanel(VerticalScroll, can_focus=False):
    DEFAULT_CSS = """
    KeysPanel {
        dock: right;
        width: 34;
        min-width: 24;
        height: 1fr;
        layer: overlay;
        background: $panel;
        border-left: vkey $foreground 30%;
        padding: 0 1;
    }
    """

    def compose(self):
        yield Static("", id="keys-text")

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.show_keys())
        self.show_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(heading, [(key, what it does)]): this screen, everywhere, then the focused widget."""
        screen, app = self.screen, self.app
        found: dict[str, list[tuple[str, str]]] = {"This screen": [], "Everywhere": [], "Moving around": []}
        seen: set[tuple[str, str]] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.system or not binding.description:
                continue
            if binding.action not in console_actions(active.node):
                group = "Moving around"  # Textual's own: focus, cursor keys, copy
            elif active.node is app:
                group = "Everywhere"
            else:
                group = "This screen"
            row = (app.get_key_display(binding), binding.description)
            if (group, binding.action) in seen:
                continue
            seen.add((group, binding.action))
            found[group].append(row)
        return [(heading, rows) for heading, rows in found.items() if rows]

    def show_keys(self) -> None:
        table = Table.grid(padding=(0, 1))
        table.add_column(justify="right", style="bold")
        table.add_column()
        for index, (heading, rows) in enumerate(self.groups()):
            if index:
                table.add_row("", "")
            table.add_row("", Text(heading, style="bold underline"))
            for key, description in rows:
                table.add_row(Text(key), Text(description))
        self.query_one("#keys-text", Static).update(table)

    @property
    def text(self) -> str:
        """The panel as plain lines (key, description), in the order shown."""
        return "\n".join(f"{key} {what}" for _heading, rows in self.groups() for key, what in rows)
