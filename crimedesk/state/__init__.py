"""Qt-free application state (filters, selection) that widgets write and panes observe."""
