"""The command line: the Typer app, its options and listing decorator, and the commands by group."""
