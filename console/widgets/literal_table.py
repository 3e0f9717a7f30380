"""LiteralTable: the DataTable every console table is built on. Each cell is shown as literal text
(a plain `str` would be read as markup by DataTable, so a buyer named `x[/]` could crash the
console and `[link=…]` would draw a live link), with terminal control characters made visible."""

from textual.widgets import DataTable

from ..safe_text import literal, safe_cell


class LiteralTable(DataTable):
    def add_row(self, *cells, height=1, key=None, label=None):
        return super().add_row(
            *(safe_cell(cell) for cell in cells),
            height=height,
            key=key,
            label=None if label is None else literal(label),
        )

    def update_cell(self, row_key, column_key, value, *, update_width=False) -> None:
        super().update_cell(row_key, column_key, safe_cell(value), update_width=update_width)

    def update_cell_at(self, coordinate, value, *, update_width=False) -> None:
        super().update_cell_at(coordinate, safe_cell(value), update_width=update_width)
