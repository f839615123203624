"""The Typer app: its help, exit codes, and how errors become `Error: ...` lines and exit codes.

Only Typer is imported up front; the loader and renderers are imported by the commands that use them,
so a JSON query never loads Rich or the YAML parser.
"""

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

import typer
import typer.core
from typer import _click as click

from ..errors import FactBaseError, IoError, IranazError
from ..show.overview import EXAMPLE_COMMANDS
from ..text import visible

EXAMPLES = "\b\nExamples:\n" + "".join(f"  {e}\n" for e in EXAMPLE_COMMANDS)
EXIT_CODES = """\b
Exit codes:
  0  results printed
  1  nothing found ('[]' on stdout with --json)
  2  usage error (unknown option, command or value)
  3  fact base missing or invalid
  70 internal error (a bug; IRANAZ_DEBUG=1 shows the traceback)
  74 input/output error (a full disk, a closed stdout, an unreadable folder, a locked base)
"""
INTERNAL_ERROR = 70


def say_error(message: str) -> None:
    """Print one `Error: ...` line on stderr; the message's newlines and control characters escaped."""
    try:
        typer.echo(f"Error: {visible(message, lines=False)}", err=True)
    except OSError:  # stderr itself is closed or full: the exit code still tells
        pass


def _silence_stdout(fd: int = 1) -> None:
    """Point stdout (or ``fd``) at /dev/null, so that flushing what is left at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except OSError:
        pass


def tell_made(message: str) -> None:
    """Say on stderr what a change made (or that none was needed).

    The change is made by now: a stderr that fails (full, gone) is no error, as for stdout in
    ``print_made``; exit 74 would say that nothing changed.
    """
    try:
        typer.echo(message, err=True)
        sys.stderr.flush()
    except OSError:
        _silence_stdout(2)


def print_made(*lines: str) -> None:
    """Print on stdout what a change made (ids, the line that selects a base).

    The change is made by now: a stdout that fails is a warning, not exit 74 (which says nothing changed).
    """
    try:
        for line in lines:
            typer.echo(line)
        sys.stdout.flush()
    except OSError as e:
        _silence_stdout()
        if not isinstance(e, BrokenPipeError):  # a reader that stopped reading wants no message
            tell_made(f"Warning: the change was made, but cannot print its output ({e.strerror or e})")


def _io_message(e: OSError) -> str:
    """Say what failed: the file named, the working folder, or writing the output."""
    reason = e.strerror or str(e)
    if isinstance(e.filename, str | bytes | os.PathLike):  # (an fd, for a file opened by descriptor, is not one)
        return f"{os.fsdecode(e.filename)}: {reason}"
    try:
        os.getcwd()
    except OSError as cwd:
        return f"the working folder cannot be read ({cwd.strerror}); run iranaz from another folder"
    return f"cannot write the output: {reason}"


def _shown_visibly(e: Any) -> Any:
    """Make a Click usage error show the argument it echoes as text, on one line."""
    message = e.format_message

    def escaped() -> str:  # Click lists choices one per line ("Choose from:\n\ta,\n\tb"): one line
        return visible(message().replace(":\n\t", ": ").replace(",\n\t", ", "), lines=False)

    e.format_message = escaped
    show = e.show

    def show_if_possible(file: Any = None) -> None:
        try:
            show(file)
        except OSError:  # stderr is full or gone: the exit code (2) still tells
            pass

    e.show = show_if_possible
    return e


# The sections of `iranaz --help`, in order, by the module that defines a command: questions first.
HELP_SECTIONS = {"query": "Ask questions", "scripts": "For scripts", "base": "Curate a base", "edit": "Curate a base"}


def _section(command: Any) -> str:
    """Name the help section of a command (a group: that of its first subcommand)."""
    while getattr(command, "commands", None):
        command = next(iter(command.commands.values()))
    module = getattr(getattr(command, "callback", None), "__module__", "") or ""
    return HELP_SECTIONS.get(module.rpartition(".")[2], "Commands")


class _Group(typer.core.TyperGroup):
    """Turn iranaz's errors into `Error: ...` lines and exit codes; end quietly on a closed pipe."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """List the commands in sections: asking questions, then scripts, then curating."""
        commands = [(n, c) for n in self.list_commands(ctx) if (c := self.get_command(ctx, n)) and not c.hidden]
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in commands)
        order = [*dict.fromkeys(HELP_SECTIONS.values()), "Commands"]
        for section in order:
            rows = [(n, c.get_short_help_str(limit)) for n, c in commands if _section(c) == section]
            if rows:
                with formatter.section(section):
                    formatter.write_dl(rows)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with _reported():  # eager options (--version, --help) print while the context is made
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with _reported():
            return super().invoke(ctx)

    def _main_shell_completion(self, ctx_args: Any, prog_name: str, complete_var: str | None = None) -> None:
        variable = complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        if os.environ.get(variable):  # answering a shell: only words that mean themselves to it
            from .complete import use_safe_shells

            use_safe_shells()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)


@contextlib.contextmanager
def _reported() -> Iterator[None]:
    """Report iranaz's errors, usage errors and ordinary failures as `Error: ...` and an exit code."""
    try:
        yield
    except IranazError as e:
        for message in e.lines() if isinstance(e, FactBaseError) else [str(e)]:  # FactBaseError: the first N
            say_error(message)
        raise typer.Exit(e.exit_code) from None
    except click.ClickException as e:  # usage errors: Typer reports them (exit 2) and exits
        raise _shown_visibly(e) from None
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(0) from None
    except OSError as e:  # an ordinary failure (a full disk, a closed stdout, a vanished folder)
        _silence_stdout()
        say_error(_io_message(e))
        raise typer.Exit(IoError.exit_code) from None
    except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
        raise  # exits: Typer ends with their code
    except Exception as e:  # a bug: one line, not a traceback (IRANAZ_DEBUG=1 shows it)
        if os.environ.get("IRANAZ_DEBUG"):
            raise
        say_error(f"internal error ({type(e).__name__}: {e}); please report it")
        raise typer.Exit(INTERNAL_ERROR) from None


app = typer.Typer(
    name="iranaz",
    cls=_Group,
    help="Facts about Iran–Azerbaijan relations, each citing its source.\n\n" + EXAMPLES + "\n" + EXIT_CODES,
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
)


def chosen_data(data: str | None, ctx: typer.Context | None) -> str | None:
    """Return the base to read: --data after the command, else --data before it, else None (the store
    then reads $IRANAZ_DATA, else the shipped base: neither option reads the variable, so either wins)."""
    return data if data is not None or ctx is None else ctx.obj


def load_base(data: str | None, ctx: typer.Context | None = None) -> Any:
    """Load the base named by --data here, else by --data before the command, else the default."""
    from ..store.loader import load_fact_base
    from .progress import working

    with working("reading the fact base…"):  # a cold load of a large base takes seconds
        return load_fact_base(chosen_data(data, ctx))


# The options every listing command shares, declared once: (name, annotated type, default).
