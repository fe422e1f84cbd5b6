"""The app's screens, one module each; screens coordinate, widgets display."""
