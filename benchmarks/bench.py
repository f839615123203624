"""Start-up and scale benchmark for iranaz: one command, interleaved runs, medians.

    python benchmarks/bench.py [--runs 21] [--records 57000 | --factor N] [--skip-scale]

Run it with the Python of the environment iranaz is installed in (`.venv/bin/python`). It times, round-robin so that
machine noise hits every command alike: `iranaz who Sanaei --json`, `iranaz visits` (a table), a
one-line `iranaz sql` query (a table), a one-command Typer hello-world (the framework's floor),
`python -c pass` and `jq` selecting Sanaei from iranaz's own JSON export; then `iranaz resolve` on
10,000 distinct names; then it builds a large fact base (the shipped one copied as many times as
makes about RECORDS records, 57,000 by default: the size the budgets were set at, whatever the
shipped base grows to) and times the first (cold) and later (warm) `who` queries on it, its
`timeline` and `quotes` tables against `timeline --json` (a large table within 3x its JSON), and the
edit loop: the query after one record is appended to one file (only the appended text is parsed). It
prints each median, the ratios the budgets are stated in, each iranaz run's peak memory, and exits 1
if a budget is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELLO = """\
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(f"hello {name}")


app()
"""


# A child's peak memory (ru_maxrss) counts the process it was forked from, so commands are started
# from this minimal Python (no site, ~8 MB) rather than from the benchmark itself; it also times them.
SPAWN = """\
import os, sys, time
null = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in (1, 2)]
started = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=null)
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a command once; return (wall seconds, peak resident memory in MB)."""
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", SPAWN, *cmd], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    elapsed, peak_kb, code = float(out[0]), int(out[1]), int(out[2])
    if code not in (0, 1):
        raise SystemExit(f"bench: {' '.join(cmd)} exited {code}")
    return elapsed, peak_kb / 1024


def interleaved(commands: dict[str, list[str]], runs: int, env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Return name -> (median ms, peak MB) over ``runs`` round-robin rounds (after one warm-up)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, float] = dict.fromkeys(commands, 0.0)
    for cmd in commands.values():
        run_once(cmd, env)  # warm-up: page cache, .pyc files, iranaz's own cache
    for _ in range(runs):
        for name, cmd in commands.items():
            elapsed, peak = run_once(cmd, env)
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)
    return {name: (statistics.median(t) * 1000, peaks[name]) for name, t in times.items()}


def edit_loop(data: Path, query: list[str], env: dict[str, str], runs: int, model: Path | None) -> dict[str, float]:
    """Return, per file, the median time of the query after appending one record to that file.

    As `iranaz add` does, a record is appended as text after the file's last byte (a copy of the
    file's first record with a new id); the query before each append leaves the cache warm.
    """
    import msgspec
    import yaml
    from scale import _Dumper

    from iranaz_cli import load_fact_base

    shipped = msgspec.to_builtins(load_fact_base(model, cache=False))  # (the base the large one copies)
    times: dict[str, float] = {}
    for kind in ("quotes", "events"):  # the file `add` writes most, and the largest file
        elapsed = []
        for n in range(runs):
            run_once(query, env)  # warm: the next run sees one change, the append
            record = dict(shipped[kind][0], id=f"edit-loop-{kind}-{n}")
            with open(data / f"{kind}.yaml", "a", encoding="utf-8") as f:
                f.write("\n" + yaml.dump([record], Dumper=_Dumper, allow_unicode=True, sort_keys=False))
            elapsed.append(run_once(query, env)[0])
        times[kind] = statistics.median(elapsed)
    return times


def integrity_cost(folder: Path) -> str:
    """Say what checking the integrity digest of the largest cache entry costs (SHA-256 and BLAKE2b)."""
    import hashlib

    entry = max(folder.glob("base-*.msgpack"), key=lambda p: p.stat().st_size)
    data = entry.read_bytes()
    costs = []
    for name in ("sha256", "blake2b"):
        started = time.perf_counter()
        for _ in range(5):
            hashlib.new(name, data).digest()
        costs.append(f"{name} {(time.perf_counter() - started) / 5 * 1000:.1f}ms")
    return f"integrity digest of the {len(data) / 2**20:.1f} MiB cache entry (warm path): {', '.join(costs)}"


# A one-line question in SQL: the start-up of `sql` is loading the base into memory and one query.
SQL = "SELECT date, president FROM visits WHERE date >= '2000' ORDER BY date"


def resolve_throughput(iranaz: str, work: Path, env: dict[str, str], count: int = 10_000) -> tuple[float, int, int]:
    """Time `iranaz resolve` on ``count`` distinct names (spellings with two typos each, so no answer is cached);
    return (median seconds of 3 runs, names, names matched)."""
    import random

    from iranaz_cli import load_fact_base

    spellings = [n for p in load_fact_base(cache=False).people for n in (p.name, *p.aliases)]
    rng = random.Random(14)
    names: set[str] = set()
    while len(names) < count:
        name = rng.choice(spellings)
        for _ in range(2):
            i = rng.randrange(len(name))
            name = name[:i] + rng.choice("aeiouhkz ") + name[i + 1 :]
        names.add(name)
    path = work / "names.txt"
    path.write_text("\n".join(sorted(names)) + "\n", encoding="utf-8")
    times, out = [], b""
    for _ in range(3):
        started = time.perf_counter()
        out = subprocess.run([iranaz, "resolve", str(path)], env=env, capture_output=True, check=True).stdout
        times.append(time.perf_counter() - started)
    return statistics.median(times), count, out.count(b'"match":true')


def machine() -> str:
    memory = ""
    try:
        kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        memory = f", {kb / 2**20:.0f} GiB memory"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--records", type=int, default=57_000, help="about how many records the large base has")
    parser.add_argument("--factor", type=int, help="copies of the shipped base instead (overrides --records)")
    parser.add_argument("--skip-scale", action="store_true", help="only the start-up benchmark")
    args = parser.parse_args()

    bindir = Path(sys.executable).parent
    iranaz = str(bindir / "iranaz")
    if not Path(iranaz).exists():
        raise SystemExit(f"bench: no iranaz beside {sys.executable}; install it there first (pip install .)")
    work = Path(tempfile.mkdtemp(prefix="iranaz-bench-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache")}
    for name in ("IRANAZ_DATA", "IRANAZ_NO_CACHE", "NO_COLOR", "FORCE_COLOR"):
        env.pop(name, None)
    hello = work / "hello.py"
    hello.write_text(HELLO)

    import msgspec

    from iranaz_cli import __version__, load_fact_base
    from iranaz_cli.model import KINDS

    export = work / "iranaz.json"
    export.write_bytes(msgspec.json.encode(load_fact_base(cache=False)))
    commands = {
        "iranaz who Sanaei --json": [iranaz, "who", "Sanaei", "--json"],
        "iranaz visits (table)": [iranaz, "visits"],
        "iranaz sql (table)": [iranaz, "sql", SQL],
        "typer hello-world": [sys.executable, str(hello)],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    jq = shutil.which("jq")
    if jq:
        commands["jq select Sanaei"] = [
            os.path.realpath(jq),
            '.people[] | select(.name | contains("Sanaei"))',
            str(export),
        ]

    print(f"iranaz {__version__} on {machine()}, {time.strftime('%Y-%m-%d')}; medians of {args.runs} interleaved runs")
    results = interleaved(commands, args.runs, env)
    floor = results["typer hello-world"][0]
    bare = results["python -c pass"][0]
    print(f"{'command':28} {'median':>9} {'/ typer':>8} {'/ python':>9} {'peak':>8}")
    for name, (ms, peak) in results.items():
        print(f"{name:28} {ms:7.1f}ms {ms / floor:7.2f}x {ms / bare:8.2f}x {peak:6.1f}MB")

    checks = [
        ("who --json <= 1.3 x typer", results["iranaz who Sanaei --json"][0] <= 1.3 * floor),
        ("who --json <= 8 x python", results["iranaz who Sanaei --json"][0] <= 8 * bare),
        ("visits table <= 1.8 x typer", results["iranaz visits (table)"][0] <= 1.8 * floor),
        ("visits table <= 11 x python", results["iranaz visits (table)"][0] <= 11 * bare),
        ("sql table <= 1.8 x typer", results["iranaz sql (table)"][0] <= 1.8 * floor),
    ]

    seconds, names, matched = resolve_throughput(iranaz, work, env)
    print(f"\nresolve: {names} distinct names in {seconds:.2f}s = {names / seconds:,.0f} names/s ({matched} matched)")
    checks.append((f"resolve {names} names <= 2 s", seconds <= 2))

    if not args.skip_scale:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from scale import generate

        big = work / "big"
        # The large base copies the article base of the tests (short records, as a large base's are):
        # the shipped base's records grew long notes, and 57,000 of them would pass the 16 MiB a kind
        # file may hold.
        article = Path(__file__).resolve().parent.parent / "tests" / "article_base" / "data"
        model = article if article.is_dir() else None
        if args.factor is None:  # (sources are copied once, every other record once per copy)
            shipped = load_fact_base(model, cache=False)
            per_copy = sum(len(getattr(shipped, kind)) for kind in KINDS if kind != "sources")
            args.factor = max(1, round(args.records / per_copy))
        started = time.perf_counter()
        records = generate(big, args.factor, model)
        seconds = time.perf_counter() - started
        size = sum(f.stat().st_size for f in (big / "data").iterdir()) / 2**20
        print(f"\n{args.factor}x base: {records} records, {size:.1f} MiB of YAML, generated in {seconds:.1f}s")
        query = [iranaz, "--data", str(big / "data"), "who", "Sanaei", "--json"]
        colds = [run_once(query, {**env, "XDG_CACHE_HOME": str(work / f"cold-{i}")}) for i in range(2)]
        cold, cold_peak = run_once(query, env)  # the cache every later run starts from
        cold = statistics.median([cold, *(c[0] for c in colds)])
        cold_peak = max(cold_peak, *(c[1] for c in colds))
        warm = interleaved(
            {"warm": query, "shipped": commands["iranaz who Sanaei --json"]}, max(args.runs // 2, 5), env
        )
        warm_ms, warm_peak = warm["warm"]
        shipped_ms = warm["shipped"][0]
        print(f"cold who (validate + cache): {cold:6.2f}s   peak {cold_peak:6.1f}MB")
        print(
            f"warm who (from the cache):   {warm_ms:6.1f}ms  peak {warm_peak:6.1f}MB  "
            f"= {warm_ms / shipped_ms:.2f} x the shipped base's {shipped_ms:.1f}ms"
        )
        tables = interleaved(
            {
                "timeline --json": [iranaz, "--data", str(big / "data"), "timeline", "--json"],
                "timeline (table)": [iranaz, "--data", str(big / "data"), "timeline"],
                "quotes (table)": [iranaz, "--data", str(big / "data"), "quotes"],
            },
            5,
            env,
        )
        for name, (ms, peak) in tables.items():
            print(f"{args.factor}x {name:24} {ms:7.1f}ms  peak {peak:6.1f}MB")
        table_ratio = tables["timeline (table)"][0] / tables["timeline --json"][0]
        edits = edit_loop(big / "data", query, env, runs=3, model=model)
        for kind, seconds in edits.items():
            print(f"after appending one record to {kind}.yaml: {seconds:6.2f}s = {seconds / cold:.0%} of the cold load")
        print(integrity_cost(Path(env["XDG_CACHE_HOME"]) / "iranaz"))
        checks += [
            (f"large edit loop ({kind}) <= 40% of cold", seconds <= 0.4 * cold) for kind, seconds in edits.items()
        ]
        checks += [
            (f"large timeline table <= 3 x its JSON ({table_ratio:.2f}x)", table_ratio <= 3),
            ("large warm who <= 3 x shipped", warm_ms <= 3 * shipped_ms),
            ("large cold who <= 15 s", cold <= 15),
            ("large peak memory <= 300 MB", max(cold_peak, warm_peak) <= 300),
        ]

    print()
    for label, ok in checks:
        print(f"{'ok  ' if ok else 'MISS'} {label}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
