"""``python -m khabar`` is the ``khabar`` command."""

from khabar.cli.main import main

main()
