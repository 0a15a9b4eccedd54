"""The app's widgets: article panes, status bar, alignment progress."""
