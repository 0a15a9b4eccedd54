"""The app's modal screens: help, pair picker, export dialog, search."""
