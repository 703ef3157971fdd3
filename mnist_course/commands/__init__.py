"""The code behind each ``mnist-course`` command, one module per command."""
