"""The commands that grow a fact base: init, source add, locate, add.

Each is thin: options in, one call to ``edit`` or ``locate``, output out. Data (ids added, hits,
the shell line that selects a new base) goes to stdout; what was done goes to stderr.
"""

from collections.abc import Callable
from typing import Annotated

import typer

from .app import app, chosen_data, print_made, tell_made
from .options import DataOpt


def _seconds(value: float) -> float:
    """Accept a finite number of seconds, not below zero (`nan` would wait forever, `-5` not at all)."""
    import math

    if not math.isfinite(value) or value < 0:
        raise typer.BadParameter(f"{value:g} is not a number of seconds (0 or more)")
    return value


WaitOpt = Annotated[
    float,
    typer.Option(
        "--wait",
        metavar="SECONDS",
        help="How long to wait for another writer of the base to finish.",
        callback=_seconds,
    ),
]


def _complete_kind(incomplete: str) -> list[str]:
    from ..model import KINDS

    return [k for k in KINDS if k.startswith(incomplete)]


def _shown(path: object) -> str:
    from ..text import visible

    return visible(str(path))


@app.command()
def init(
    directory: Annotated[str, typer.Argument(metavar="DIR", help="Folder to make the base in (new or empty).")],
    from_shipped: Annotated[
        bool, typer.Option("--from-shipped", help="Start from a copy of the shipped base.")
    ] = False,
) -> None:
    """Make a new fact base: DIR/data/ (one file per kind) and DIR/seeds/; print the line that selects it.

    The `export IRANAZ_DATA=...` line goes to stdout, so `eval "$(iranaz init DIR)"` makes the base and
    selects it in one go.

    \b
    Example:
      iranaz init my-base && export IRANAZ_DATA=my-base/data
    """
    import shlex

    from ..write.edit import init_base

    data_dir = init_base(directory, from_shipped)
    tell_made(f"made a fact base in {_shown(directory)}; select it with:")
    print_made(f"export IRANAZ_DATA={shlex.quote(str(data_dir))}")


source_app = typer.Typer(help="Add a source (an article) to the base, or update its text.", rich_markup_mode=None)
app.add_typer(source_app, name="source")


@source_app.command("add")
def source_add(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(metavar="FILE|-", help="The article: UTF-8 text (-: stdin, kept as seeds/ID.txt).")
    ],
    source_id: Annotated[str, typer.Option("--id", metavar="ID", help="The new source's id (a lowercase slug).")],
    title: Annotated[
        str | None, typer.Option(metavar="T", help="Its title, any text (default: the first line).")
    ] = None,
    publisher: Annotated[str | None, typer.Option(metavar="P", help="Who published it.")] = None,
    url: Annotated[str | None, typer.Option(metavar="U", help="Where it was published.")] = None,
    published: Annotated[str | None, typer.Option(metavar="DATE", help="When (2025, 2025-04, 2025-04-28).")] = None,
    wait: WaitOpt = 30.0,
    data: DataOpt = None,
) -> None:
    """Copy an article into the base's seeds/ and record it (sha256, title) in sources.yaml.

    \b
    Examples:
      iranaz source add article.txt --id baku-visit --publisher "Tehran Times"
      pbpaste | iranaz source add - --id baku-visit --title "Pezeshkian in Baku"
    """
    from ..write.edit import add_source

    record = add_source(
        chosen_data(data, ctx),
        file,
        source_id,
        title=title,
        publisher=publisher,
        url=url,
        published=published,
        wait=wait,
    )
    print_made(record["id"])
    tell_made(f"added source {record['id']} ({_shown(record['path'])})")


@source_app.command("update")
def source_update(
    ctx: typer.Context,
    source_id: Annotated[str, typer.Argument(metavar="ID", help="The added article's source id.")],
    file: Annotated[str, typer.Argument(metavar="FILE", help="Its new text (UTF-8; may be the seed file itself).")],
    wait: WaitOpt = 30.0,
    data: DataOpt = None,
) -> None:
    """Replace an added article's text (a typo fixed) and record its new sha256.

    Every quote taken from the article must still be in the new text: otherwise nothing is changed
    and each such quote is named at its record (exit 3). A title that was the first line follows it.

    \b
    Example:
      iranaz source update baku-visit article-fixed.txt
    """
    from ..write.update import update_source

    done = update_source(chosen_data(data, ctx), source_id, file, wait=wait)
    if not done["changed"]:
        tell_made(f"source {done['id']} already has this text; nothing changed")
        return print_made(done["id"])
    print_made(done["id"])
    n = done["quotes"]
    found = f"{n} quote{'' if n == 1 else 's'} found in the new text"
    tell_made(f"updated source {done['id']} ({_shown(done['path'])}): {found}, sha256 {done['sha256'][:12]}…")


@app.command()
def locate(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The words to find (quotes, dashes, case and spacing may differ).")],
    source: Annotated[str | None, typer.Option("--source", metavar="ID", help="Search this source only.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as JSON (with character offsets).")] = False,
    data: DataOpt = None,
) -> None:
    """Find words in the base's sources: each hit's source, line:column, exact span and sentence.

    The span is the source's words as stored, ready to paste as a `quote`. When nothing matches,
    exit 1 and suggest the closest sentence.

    \b
    Example:
      iranaz locate "friend of Azerbaijan"
    """
    from ..errors import NotFound
    from ..write.locate import find_in_base
    from .app import load_base

    if not text.strip():
        from ..errors import UsageError

        raise UsageError("give the words to find")
    hits, suggestion = find_in_base(load_base(data, ctx), chosen_data(data, ctx), text, source)
    if as_json:
        from ..show.render import write_json

        write_json(hits)
    else:
        import sys

        from ..text import visible

        lines = []
        for n, hit in enumerate(hits, 1):  # (written 10,000 hits at a time: an echo a line took 17 s for 390,000)
            lines.append(f"{hit['source']}:{hit['line']}:{hit['column']}: {visible(hit['quote'])}\n")
            lines.append(f"  in: {visible(hit['sentence'])}\n")
            if hit["occurrences"] > 1:
                lines.append(f"  found {hit['occurrences']} times: cite it with occurrence: {hit['occurrence']}\n")
            if n % 10_000 == 0 or n == len(hits):
                sys.stdout.write("".join(lines))
                lines.clear()
        sys.stdout.flush()
    if not hits:
        raise NotFound(f"{text!r} is not in {'source ' + repr(source) if source else 'any source'}" + suggestion)


@app.command()
def add(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            metavar="KIND", help="The file to add to: people, visits, quotes, ...", autocompletion=_complete_kind
        ),
    ],
    file: Annotated[
        str | None, typer.Argument(metavar="[FILE|-]", help="YAML: one record or a list (default: stdin).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check, and print what would be appended.")] = False,
    show_template: Annotated[bool, typer.Option("--template", help="Print a commented template of KIND.")] = False,
    wait: WaitOpt = 30.0,
    data: DataOpt = None,
) -> None:
    """Add records to the base, after checking them with the whole base; print their ids.

    The records are appended after the file's last byte (its comments and layout stay). On any
    problem nothing is written and each is printed at its line in the input.

    \b
    Example:
      iranaz add visits new-visit.yaml
    """
    from ..write import edit

    if show_template:
        from ..write.template import template

        typer.echo(template(kind), nl=False)
        return
    edit.check_kind(kind)
    if file is None:
        import sys

        if sys.stdin.isatty():
            from ..errors import UsageError

            raise UsageError(f"give a FILE of {kind} records, or pipe them in: ... | iranaz add {kind} -")
    text, display = edit.read_input(file)
    ids, addition, target = edit.add_records(chosen_data(data, ctx), kind, text, display, dry_run=dry_run, wait=wait)
    if dry_run:
        typer.echo(addition, nl=False)
        typer.echo(f"would add {len(ids)} record(s) to {_shown(target)} (nothing written)", err=True)
        return
    print_made(*ids)
    tell_made(f"added {len(ids)} record(s) to {_shown(target)}")


@app.command()
def new(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            metavar="KIND", help="The file to add to: people, visits, quotes, ...", autocompletion=_complete_kind
        ),
    ],
    wait: WaitOpt = 30.0,
    data: DataOpt = None,
) -> None:
    """On a terminal, ask for a record field by field (each answer checked as typed), then add it.

    Person and source ids complete with Tab; dates are checked as typed; a quote must be found in
    its article (as `locate` finds it) and is kept as the article's own words.

    \b
    Example:
      iranaz new visits
    """
    from ..errors import UsageError
    from ..write import edit
    from ..write.locate import source_texts
    from .app import load_base
    from .interview import interview

    edit.check_kind(kind)
    if not _on_terminal():
        raise UsageError(f"`iranaz new` asks its questions on a terminal; elsewhere use `iranaz add {kind} FILE`")
    path = edit.writable_data_dir(chosen_data(data, ctx))
    base = load_base(str(path))
    try:
        record = interview(kind, base, source_texts(base, str(path)), _ask_on_terminal)
        from ..text import visible
        from ..write.append import dump

        typer.echo(visible(dump([record]), lines=True), err=True)
        if _ask_on_terminal("add this record? [y/n]", lambda a: None if a in ("y", "n") else "y or n", []) != "y":
            raise EOFError
    except (EOFError, KeyboardInterrupt):  # Ctrl-D, Ctrl-C or "n": nothing was written, and says so
        typer.echo("\ncancelled; nothing was added", err=True)
        raise typer.Exit(130) from None
    from ..errors import FactBaseError

    try:
        ids, addition, target = edit.add_parsed(str(path), kind, [record], lambda p: "the new record", wait=wait)
    except FactBaseError as e:  # a check of the whole record (a quote's words against its article): the
        # answers are not lost, they are the record shown above
        from .app import say_error

        for message in e.lines():
            say_error(message)
        typer.echo(f"nothing was added; the record above holds your answers: put it in a file, correct it and"
                   f" run `iranaz add {kind} FILE`", err=True)  # fmt: skip
        raise typer.Exit(e.exit_code) from None
    print_made(ids[0])
    tell_made(f"added 1 record to {_shown(target)}")


def _on_terminal() -> bool:
    import sys

    return sys.stdin.isatty() and sys.stdout.isatty()


def _completer(choices: list[str], typed: Callable[[], str] | None = None) -> Callable[[str, int], str | None]:
    """Return a readline completer of ``choices`` that completes a whole hyphenated id.

    A readline that still splits words at hyphens (libedit ignores the delimiters it is given)
    passes only the part after the last one: the word is taken from the line as typed, and the
    completion returned is what replaces that part."""
    import re

    def complete(text: str, state: int) -> str | None:
        before = typed() if typed is not None else ""
        word = re.split(r"[\s,]", before)[-1] if before else text
        if not word.endswith(text):
            word = text
        cut = len(word) - len(text)
        found = [c[cut:] for c in choices if c.startswith(word)]
        return found[state] if state < len(found) else None

    return complete


def _ask_on_terminal(question: str, check: Callable[[str], str | None], choices: list[str]) -> str:
    """Ask until ``check`` accepts the answer; Tab completes from ``choices`` where readline exists."""
    try:
        import readline

        readline.set_completer(_completer(choices, lambda: readline.get_line_buffer()[: readline.get_endidx()]))
        readline.set_completer_delims(" \t\n,")  # an id is one word, hyphens and all
        # (macOS's Python uses libedit, which has its own syntax for the binding)
        libedit = "libedit" in (readline.__doc__ or "")
        readline.parse_and_bind("bind ^I rl_complete" if libedit else "tab: complete")
    except ImportError:
        pass
    while True:
        from ..text import visible

        # (a question may quote the base: a sentence of an article, a record's id)
        answer = input(visible(f"{question}: ")).strip()  # EOFError (Ctrl-D) and KeyboardInterrupt cancel: see `new`
        why = check(answer)
        if why is None:
            return answer
        typer.echo(f"  {visible(why)}", err=True)
