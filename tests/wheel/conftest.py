"""The wheel's own suite (scripts/test-wheel.sh): runs in a fresh venv where only the installed
cos-mock wheel, its SDK extras and pytest exist. pytester runs inner sessions to check what only a
whole session shows (options, markers, stop at the end)."""

pytest_plugins = ["pytester"]
