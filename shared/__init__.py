"""Lucky Draw domain core: draws, tickets, orders, payments, export. No web, no TUI."""
