"""The `iranaz` command: the app with every command registered, and the console-script entry point.

Commands live in modules grouped by what they serve (``query``: questions; ``scripts``: for scripts;
``base``: the fact base itself; ``edit``: curating it); what they share is in ``app``, ``options``,
``listing`` and ``complete``.
"""

import errno
import os
import sys
from typing import Annotated

import typer

from .. import __version__
from .app import app as _app
from .app import load_base
from .options import DataOpt, Format, Kind, SchemaKind, Unit

__all__ = ["Format", "Kind", "SchemaKind", "Unit", "app", "main"]  # noqa: F822  (app: see __getattr__)

# The module that defines each command (importing it registers it): a run imports only the module
# of the command it runs, and help, completion or an unknown name import them all.
COMMAND_MODULES = {
    **dict.fromkeys(
        ("visits", "who", "offices", "gas", "corridor", "timeline", "search", "quotes", "show", "sources", "coverage"),
        "query",
    ),
    **dict.fromkeys(("validate", "schema", "export"), "base"),
    **dict.fromkeys(("init", "source", "locate", "add", "new"), "edit"),
    **dict.fromkeys(("sql", "resolve"), "scripts"),
    **dict.fromkeys(("disputes", "stale"), "present"),
}


def register(modules: "set[str] | None" = None) -> typer.Typer:
    """Import the command modules (all, or those named) so that their commands are registered; return the app."""
    import importlib

    for module in sorted(modules if modules is not None else set(COMMAND_MODULES.values())):
        importlib.import_module(f".{module}", __package__)
    return _app


def __getattr__(name: str) -> typer.Typer:
    """`app`: the app with every command registered (as tests and tools import it)."""
    if name == "app":
        return register()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"iranaz {__version__}")
        raise typer.Exit()


@_app.callback()
def main_callback(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    data: DataOpt = None,
) -> None:
    """Facts about Iran–Azerbaijan relations, each citing its source."""
    ctx.obj = data
    if ctx.invoked_subcommand is None:
        from ..show.overview import print_overview

        print_overview(load_base(data))


def _only_invoked_command(args: list[str]) -> None:
    """Register only the command named in ``args``: Typer builds every registered command's
    parameters on each run (~8 ms for all of ours), and a run needs one. Help, completion and
    unknown names keep them all, so listings and "did you mean" suggestions stay complete."""
    if any(
        a in ("-h", "--help") or a.startswith("--install-completion") or a.startswith("--show-completion") for a in args
    ):
        register()
        return
    if any(k.startswith("_IRANAZ_COMPLETE") for k in os.environ):
        register()
        return
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] == "--data" else 1  # the one global option that takes a value
    if i < len(args) and args[i] in COMMAND_MODULES:
        name = args[i]
        app = register({COMMAND_MODULES[name]})
        chosen = [c for c in app.registered_commands if (c.name or getattr(c.callback, "__name__", None)) == name]
        if chosen:
            app.registered_commands = chosen
            app.registered_groups = []  # `source add` and the like
        return
    register()


class _ClosedStream:
    """Stands in for a stdout that was closed (`iranaz ... >&-`): writing to it is an error."""

    encoding = "utf-8"
    closed = False

    @property
    def buffer(self) -> "_ClosedStream":
        return self

    def write(self, data: object) -> int:
        raise OSError(errno.EBADF, "stdout is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "stdout is closed")


def _reopened_if_closed(fd: int) -> bool:
    """If ``fd`` was closed (`>&-`), take it with /dev/null, so no file the command opens becomes it;
    return whether it was closed."""
    try:
        os.fstat(fd)
        return False
    except OSError:
        null = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
        return True


def _guard_closed_stdout() -> None:
    """With fd 1 closed, keep it taken and fail writes (exit 74, not a silent success)."""
    if _reopened_if_closed(1):
        sys.stdout = _ClosedStream()


def _guard_closed_stdin() -> None:
    """With fd 0 closed (`<&-`), read it as empty input (Python then has no sys.stdin at all)."""
    if _reopened_if_closed(0) or sys.stdin is None:
        sys.stdin = open(0, encoding="utf-8", closefd=False)


def _guard_closed_stderr() -> None:
    """With fd 2 closed (`2>&-`), keep it taken and drop messages: else Click writes them to stdout."""
    if _reopened_if_closed(2):
        sys.stderr = open(2, "w", closefd=False)


COMPLETION_OPTIONS = ("--show-completion", "--install-completion")


def _check_home() -> None:
    """Refuse an empty or relative $HOME before installing: the files would go into `/` or the working
    folder (as the cache refuses such a HOME)."""
    home = os.environ.get("HOME")
    if home is None or os.path.isabs(home):
        return
    from .app import say_error

    why = "empty" if not home else f"not an absolute path ({home!r})"
    say_error(f"--install-completion: HOME is {why}; set it to your home folder")
    raise SystemExit(2)


def _completion_for_named_shell(args: list[str]) -> None:
    """Honour `--show-completion SHELL` and `--install-completion SHELL` (or `=SHELL`).

    Typer 0.28's options take no value: they detect the shell the command runs from and take a shell
    named after them for a command, so from bash `--install-completion zsh` edited ~/.bashrc. Without
    a shell named, Typer's detection stands."""
    at = next((i for i, a in enumerate(args) if a.partition("=")[0] in COMPLETION_OPTIONS), None)
    if at is None:
        return
    if args[at].partition("=")[0] == "--install-completion":
        _check_home()
    from .complete import use_safe_shells

    use_safe_shells()  # the scripts printed or installed are iranaz's
    option, _, shell = args[at].partition("=")
    if not shell:
        if at + 1 >= len(args) or args[at + 1].startswith("-"):
            return
        shell = args[at + 1]
    from typer._completion_shared import Shells, get_completion_script, install

    shells = [s.value for s in Shells]
    if shell not in shells:
        typer.echo(f"Error: {option}: unknown shell {shell!r} (one of {', '.join(shells)})", err=True)
        raise SystemExit(2)
    names = {"prog_name": "iranaz", "complete_var": "_IRANAZ_COMPLETE", "shell": shell}
    if option == "--show-completion":
        typer.echo(get_completion_script(**names))
    else:
        from .app import print_made

        _, path = install(**names)
        print_made(
            f"{shell} completion installed in {path}", "Completion will take effect once you restart the terminal"
        )
    raise SystemExit(0)


def main() -> None:
    """Run the `iranaz` command (the console script and `python -m iranaz_cli`)."""
    _guard_closed_stdout()
    _guard_closed_stderr()
    _guard_closed_stdin()
    for stream in (sys.stdout, sys.stderr):  # a stream that cannot encode a character shows an escape
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure:
            reconfigure(errors="backslashreplace")
    try:
        _completion_for_named_shell(sys.argv[1:])
        _only_invoked_command(sys.argv[1:])
        _app(prog_name="iranaz")
    except OSError as e:  # writing completions (Typer answers them before any command runs): as a command's output
        from ..errors import IoError
        from .app import _io_message, _silence_stdout, say_error

        _silence_stdout()
        if isinstance(e, BrokenPipeError):
            raise SystemExit(0) from None
        say_error(_io_message(e))
        raise SystemExit(IoError.exit_code) from None
