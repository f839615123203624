"""Growing a base through the installed command: the whole loop, SIGKILL during a write, concurrent writers."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from test_edit import ARTICLE, PERSON, VISIT

from test_installed import IRANAZ, run

pytestmark = pytest.mark.installed


def person(i: int) -> str:
    return PERSON.replace("id: pezeshkian", f"id: person-{i}").replace(
        "name: Masoud Pezeshkian\n", f"name: Person {i}\n"
    )


@pytest.fixture
def base(tmp_path) -> Path:
    """A new base (installed command) holding the test article as source `border-meeting`."""
    assert run("init", str(tmp_path / "b")).returncode == 0
    article = tmp_path / "border.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    data = tmp_path / "b" / "data"
    assert run("source", "add", str(article), "--id", "border-meeting", "--data", str(data)).returncode == 0
    return data


def test_the_whole_loop_end_to_end(tmp_path):
    init = run("init", "news", cwd=str(tmp_path))
    assert (init.returncode, init.stdout) == (0, "export IRANAZ_DATA=news/data\n")
    env = {"IRANAZ_DATA": "news/data"}
    (tmp_path / "border.txt").write_text(ARTICLE, encoding="utf-8")
    added = run("source", "add", "border.txt", "--id", "border-meeting", env=env, cwd=str(tmp_path))
    assert (added.returncode, added.stdout) == (0, "border-meeting\n")
    found = run("locate", '"our border is a bridge, not a wall," pezeshkian said', env=env, cwd=str(tmp_path))
    assert found.returncode == 0
    assert found.stdout.startswith("border-meeting:4:1: “Our border is a bridge, not a wall,” Pezeshkian said\n")
    quote = found.stdout.split(": ", 1)[1].split("\n", 1)[0]
    (tmp_path / "person.yaml").write_text(PERSON, encoding="utf-8")
    (tmp_path / "visit.yaml").write_text(VISIT, encoding="utf-8")
    (tmp_path / "quote.yaml").write_text(
        "id: pezeshkian-bridge\nspeaker: pezeshkian\ntext: Our border is a bridge, not a wall\ndirect: true\n"
        "context: At the border meeting\nsources:\n  - source: border-meeting\n"
        f"    quote: {json.dumps(quote, ensure_ascii=False)}\n",
        encoding="utf-8",
    )
    for kind, file, new_id in [
        ("people", "person.yaml", "pezeshkian"),
        ("visits", "visit.yaml", "pezeshkian-astara-2025"),
        ("quotes", "quote.yaml", "pezeshkian-bridge"),
    ]:
        result = run("add", kind, file, env=env, cwd=str(tmp_path))
        assert (result.returncode, result.stdout) == (0, f"{new_id}\n"), result.stderr
    visits = json.loads(run("visits", "--json", env=env, cwd=str(tmp_path)).stdout)
    assert [(v["id"], v["president"], v["date"]) for v in visits] == [
        ("pezeshkian-astara-2025", "Masoud Pezeshkian", "2025-05-12")
    ]
    assert visits[0]["sources"][0]["quote"] == "met Azerbaijani President Ilham Aliyev at Astara on 12 May 2025"
    [who] = json.loads(run("who", "Pezeshkian", "--json", env=env, cwd=str(tmp_path)).stdout)
    assert [m["id"] for m in who["mentions"]] == ["pezeshkian-astara-2025", "pezeshkian-bridge"]
    assert who["mentions"][1]["sources"] == [{"source": "border-meeting", "quote": quote}]
    shown = run("show", "pezeshkian-bridge", env=env | {"COLUMNS": "200"}, cwd=str(tmp_path))
    assert "Our border is a bridge, not a wall" in shown.stdout
    assert "border-meeting (article), line 4" in shown.stdout and f"«{quote}»" in shown.stdout
    strict = run("validate", "--strict", env=env, cwd=str(tmp_path))
    assert (strict.returncode, strict.stdout, strict.stderr) == (0, "ok: 4 records in 7 files\n", "")


def test_sigkill_at_any_moment_leaves_each_file_as_it_was_or_as_it_should_be(base):
    from iranaz_cli import load_fact_base
    from iranaz_cli.write import edit

    people = base / "people.yaml"
    env = {k: v for k, v in os.environ.items() if k != "IRANAZ_DATA"}
    durations = []
    for i in (100, 101, 102):  # how long an add takes: the kills fall anywhere from start to finish
        started = time.monotonic()
        probe = subprocess.run([str(IRANAZ), "add", "people", "-", "--data", str(base)], input=person(i).encode())
        durations.append(time.monotonic() - started)
        assert probe.returncode == 0
    duration = min(durations)
    rng = random.Random(13)
    outcomes = {"as it was": 0, "as it should be": 0}
    for i in range(1, 51):
        others = {p: p.read_bytes() for p in base.parent.rglob("*") if p.is_file() and p != people}
        before = people.read_text(encoding="utf-8")
        record = person(i)
        after, _ = edit._joined(before, edit._dump([edit.read_records(record, "-", "people")[0][0]]), "people.yaml")
        proc = subprocess.Popen(
            [str(IRANAZ), "add", "people", "-", "--data", str(base)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        proc.stdin.write(record.encode())
        proc.stdin.close()
        time.sleep(rng.uniform(0, duration * 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = people.read_text(encoding="utf-8")
        assert now in (before, after), f"round {i}: people.yaml is neither as it was nor as it should be"
        outcomes["as it was" if now == before else "as it should be"] += 1
        for path, content in others.items():
            if path.name != ".iranaz.lock" and not path.name.endswith(".tmp"):
                assert path.read_bytes() == content
        load_fact_base(base, cache=False)  # the base is valid (raises otherwise)
    assert sum(outcomes.values()) == 50
    final = subprocess.run([str(IRANAZ), "add", "people", "-", "--data", str(base)], input=person(99).encode())
    assert final.returncode == 0
    assert not list(base.glob(".iranaz-*.tmp")), "a killed writer's temporary file was left behind"


def test_concurrent_writers_all_land(base):
    env = {k: v for k, v in os.environ.items() if k != "IRANAZ_DATA"}
    procs = [
        subprocess.Popen(
            [str(IRANAZ), "add", "people", "-", "--data", str(base)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for _ in range(10)
    ]
    for i, proc in enumerate(procs):
        proc.stdin.write(person(i).encode())
        proc.stdin.close()
    results = [(p.wait(timeout=60), p.stdout.read().decode(), p.stderr.read().decode()) for p in procs]
    assert [(code, out) for code, out, _ in results] == [(0, f"person-{i}\n") for i in range(10)], results
    text = (base / "people.yaml").read_text(encoding="utf-8")
    assert sorted(line for line in text.splitlines() if line.startswith("- id: ")) == sorted(
        f"- id: person-{i}" for i in range(10)
    )
    assert run("validate", str(base)).returncode == 0


def test_concurrent_writers_all_land_while_the_lock_file_is_deleted_again_and_again(base):
    """`rm data/.iranaz.lock` (or `git clean -fdx`) under running writers loses no record (issue 19.6)."""
    import threading

    from iranaz_cli.write.safewrite import LOCK_NAME

    env = {k: v for k, v in os.environ.items() if k != "IRANAZ_DATA"}
    stop = threading.Event()

    def delete_the_lock() -> None:
        while not stop.is_set():
            (base / LOCK_NAME).unlink(missing_ok=True)
            time.sleep(0.001)

    deleter = threading.Thread(target=delete_the_lock)
    deleter.start()
    try:
        procs = [
            subprocess.Popen(
                [str(IRANAZ), "add", "people", "-", "--data", str(base)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
            for _ in range(8)
        ]
        for i, proc in enumerate(procs):
            proc.stdin.write(person(i).encode())
            proc.stdin.close()
        results = [(p.wait(timeout=60), p.stdout.read().decode(), p.stderr.read().decode()) for p in procs]
    finally:
        stop.set()
        deleter.join()
    assert [(code, out) for code, out, _ in results] == [(0, f"person-{i}\n") for i in range(8)], results
    text = (base / "people.yaml").read_text(encoding="utf-8")
    assert {line[6:] for line in text.splitlines() if line.startswith("- id: ")} == {f"person-{i}" for i in range(8)}
    assert run("validate", str(base)).returncode == 0
