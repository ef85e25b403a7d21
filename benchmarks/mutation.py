"""Mutation score of the core modules: ``python -m benchmarks mutation [--group NAME ...]``.

mutmut 3 changes the code one small fault at a time (``<`` to ``<=``, a constant, a dropped
argument ...) and runs the tests that call the changed function; a mutant the tests do not
notice has *survived*. Each module group below is judged by the unit and integration tests
that exercise it (never ``slow``, PostgreSQL, the bundle or the Qt tests), in its own mutmut
working directory ``.mutants/<group>/`` (git-ignored), so a group pays only for its own tests.

Prints per group ``{"bench": "mutation", "metric": "mutation_score", "module": ..., "value":
killed / (total - equivalent), "unit": "ratio", "killed": ..., "survived": ..., "total": ...}``
and the run time ``mutation_run_s``. Timeouts and crashes count as killed (the fault showed);
a mutant no selected test reaches counts as survived. Survivors are written with their line
and diff to ``benchmarks/results/mutation-survivors.txt`` (``--survivors``). Mutants judged
equivalent (no observable change) are listed with a reason in ``mutation_equivalent.txt``.

A full run takes about six hours on two cores (some 7,000 mutants at 2-4 s each: each runs the
tests that reach it), so ``--sample N`` scores N mutants per group drawn at random (``--seed``),
adding the population size and a 95 % interval to each line. ``--report-only`` reports the last
run again; ``--group`` and ``--only GLOB`` narrow a run while writing tests.

mutmut forks its workers from a process that has imported the code, so a function that runs
only at import time (a table built at module level) is never reached by an active mutant:
its mutants survive whatever the tests do. Tests that call such a function directly kill them.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import math
import os
import random
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import emit

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT_FILE = Path(__file__).with_name("mutation_equivalent.txt")
DEFAULT_SURVIVORS = Path(__file__).parent / "results" / "mutation-survivors.txt"
DEFAULT_WORKDIR = ROOT / ".mutants"

# What each mutmut working directory links to: the code (mutmut copies and mutates it) and
# what the tests read besides (the emulator driver, the protocol document's test vectors).
SOURCE_DIRS = ("forms", "kiosk", "printing", "sync", "mpp_server")
ALSO_COPY = ("devtools", "docs")
PYTEST_ARGS = (
    "-m",
    "not slow and not postgres",
    "-p",
    "no:cacheprovider",
    "--ignore=tests/integration/test_bundle.py",
)

# The part of printing/backends.py that asks an ESC/POS printer how it is (DLE EOT) and turns
# the answer into a status: the rest of the file opens connections and is not scored here.
BACKEND_STATUS_FUNCTIONS = (
    "xǁPrinterǁstatus",
    "xǁEscposPrinterǁ_status",
    "xǁEscposPrinterǁ_should_query",
    "xǁEscposPrinterǁ_condition",
    "xǁEscposPrinterǁ_check",
    "xǁNetworkEscposPrinterǁ_condition",
    "x__query",
)


@dataclass(frozen=True)
class Group:
    """One line of the report: the files mutated and the tests that judge them."""

    name: str
    mutate: tuple[str, ...]  # files, relative to the repository
    tests: tuple[str, ...]  # globs of test files, relative to the repository
    # Per file, the only functions scored (mutmut's mangled names); all of them when absent.
    functions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Also every unit or integration test file that imports one of these modules.
    imported: tuple[str, ...] = ()

    def files(self) -> list[str]:
        found: list[str] = []
        for pattern in self.mutate:
            found += sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(pattern))
        return [f for f in found if f.endswith(".py") and not f.endswith("__init__.py")]

    def test_files(self) -> list[str]:
        found: set[str] = set()
        for pattern in self.tests:
            found |= {str(p.relative_to(ROOT)) for p in ROOT.glob(pattern)}
        for path in (*ROOT.glob("tests/unit/test_*.py"), *ROOT.glob("tests/integration/test_*.py")):
            text = path.read_text(encoding="utf-8")
            if any(f"from {m}" in text or f"import {m}" in text for m in self.imported):
                found.add(str(path.relative_to(ROOT)))
        return sorted(found - {"tests/integration/test_bundle.py"})

    def mutant_patterns(self) -> list[str]:
        patterns = []
        for path in self.files():
            module = path.removesuffix(".py").replace("/", ".")
            names = self.functions.get(path)
            if names is None:
                patterns.append(f"{module}.*")
            else:
                patterns += [f"{module}.{name}__mutmut_*" for name in names]
        return patterns


OUTBOX_AND_NUMBERING = (
    "kiosk/store/uow.py",
    "kiosk/usecases/recording.py",
    "kiosk/usecases/numbering.py",
    "kiosk/usecases/outbox.py",
)
SYNC_TESTS = ("tests/unit/test_sync_*.py", "tests/integration/test_sync_*.py")

GROUPS: tuple[Group, ...] = (
    Group(
        "forms",
        ("forms/*.py",),
        (
            "tests/unit/test_forms_*.py",
            "tests/integration/test_forms_*.py",
            "tests/integration/test_submit.py",
            "tests/integration/test_pulled_catalogue.py",
        ),
    ),
    Group(
        "kiosk.usecases",
        tuple(
            str(p.relative_to(ROOT))
            for p in sorted((ROOT / "kiosk" / "usecases").glob("*.py"))
            if str(p.relative_to(ROOT)) not in OUTBOX_AND_NUMBERING
        ),
        (
            "tests/unit/test_queue*.py",
            "tests/unit/test_operators*.py",
            "tests/unit/test_lockout*.py",
            "tests/unit/test_outbox_*.py",
            "tests/unit/test_usecases_*.py",
            "tests/integration/test_submit*.py",
            "tests/integration/test_privacy*.py",
            "tests/integration/test_admin_cli*.py",
            "tests/integration/test_usecases_*.py",
        ),
        imported=("kiosk.usecases",),
    ),
    Group(
        # The transactional outbox (a record and its outbox row in one unit of work, then
        # every later change of the entry's state) and the queue numbers issued in that same
        # transaction.
        "kiosk.outbox_numbering",
        OUTBOX_AND_NUMBERING,
        (
            *SYNC_TESTS,
            "tests/unit/test_queue*.py",
            "tests/unit/test_store*.py",
            "tests/unit/test_sync_records*.py",
            "tests/unit/test_outbox_*.py",
            "tests/integration/test_outbox_*.py",
            "tests/unit/test_numbering_*.py",
            "tests/integration/test_submit*.py",
        ),
    ),
    Group(
        "printing",
        (
            "printing/content.py",
            "printing/layout.py",
            "printing/escpos_render.py",
            "printing/pdf.py",
            "printing/status.py",
            "printing/backends.py",
        ),
        (
            "tests/unit/test_printing_*.py",
            "tests/integration/test_printing_*.py",
            "tests/integration/test_printouts_*.py",
        ),
        {"printing/backends.py": BACKEND_STATUS_FUNCTIONS},
    ),
    Group("sync.protocol", ("sync/protocol.py",), (*SYNC_TESTS, "tests/*/test_server_api*.py")),
    Group("sync.pusher", ("sync/pusher.py",), SYNC_TESTS),  # the loop, over any outbox
    Group(
        "mpp_server.ingest",
        ("mpp_server/ingest.py",),
        (
            "tests/unit/test_server_*.py",
            "tests/integration/test_server_*.py",
            "tests/integration/test_sync_push.py",
            "tests/integration/test_sync_record_fields.py",
        ),
    ),
)

# mutmut's exit codes, by what they mean for the score (its stats.status_by_exit_code).
KILLED_CODES = {1, 3}  # a test failed; pytest's internal error counts as a kill too
SHOWED_CODES = {-24, 24, 152, 255, 36, -11, -9, 37}  # timeout, crash, caught by type check
NO_TEST_CODES = {5, 33}


@dataclass
class Survivor:
    name: str
    path: str
    line: int
    diff: str
    status: str

    @property
    def mutated_line(self) -> str:
        added = (ln[1:].strip() for ln in self.diff.splitlines() if ln.startswith("+"))
        return next((ln for ln in added if not ln.startswith("++")), "")


@dataclass
class Equivalent:
    name: str
    mutated_line: str
    reason: str


def load_equivalents(path: Path = EQUIVALENT_FILE) -> dict[str, Equivalent]:
    """``<mutant name> | <the mutated line as it reads> | <why nothing observable changes>``.

    The mutated line is kept so that an entry stops applying, loudly, when the code moved
    and mutmut's numbering now names a different mutant.
    """
    entries: dict[str, Equivalent] = {}
    if not path.exists():
        return entries
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ", 2)]
        if len(parts) != 3 or not all(parts):
            raise SystemExit(f"{path}:{number}: expected 'name | mutated line | reason'")
        entries[parts[0]] = Equivalent(*parts)
    return entries


def mutmut_pyproject(group: Group) -> str:
    """The repository's pyproject.toml (pytest reads it in mutmut's copy) plus this group's
    [tool.mutmut]; the configuration lives here, next to the groups, and nowhere else."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    if "mutmut" in tomllib.loads(text).get("tool", {}):
        raise SystemExit("pyproject.toml has a [tool.mutmut]: it belongs in benchmarks/mutation.py")

    def toml_list(items: tuple[str, ...] | list[str]) -> str:
        return "[" + ", ".join(_toml_str(i) for i in items) + "]"

    return (
        text.rstrip()
        + "\n\n[tool.mutmut]\n"
        + f"source_paths = {toml_list(SOURCE_DIRS)}\n"
        + f"only_mutate = {toml_list(group.files())}\n"
        + f"also_copy = {toml_list(ALSO_COPY)}\n"
        + f"pytest_add_cli_args = {toml_list(PYTEST_ARGS)}\n"
        + f"pytest_add_cli_args_test_selection = {toml_list(group.test_files())}\n"
        + "use_git_change_detection = false\n"
    )


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def prepare_workdir(group: Group, workdir: Path, reuse: bool) -> Path:
    where = workdir / group.name
    if where.exists() and not reuse:
        shutil.rmtree(where)
    where.mkdir(parents=True, exist_ok=True)
    for name in (*SOURCE_DIRS, *ALSO_COPY, "tests"):
        link = where / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name, target_is_directory=True)
    (where / "pyproject.toml").write_text(mutmut_pyproject(group), encoding="utf-8")
    return where


def mutmut_command() -> list[str]:
    beside = Path(sys.executable).with_name("mutmut")
    found = str(beside) if beside.exists() else shutil.which("mutmut")
    if not found:
        raise SystemExit("mutmut is not installed: pip install -e '.[dev]'")
    return [found]


def mutant_names(group: Group, where: Path, only: list[str]) -> list[str]:
    """Every mutant of the group, named as mutmut names them (it generates the same set)."""
    from mutmut.configuration import reset_config
    from mutmut.mutation.file_mutation import mutate_file_contents

    patterns = group.mutant_patterns()
    names: list[str] = []
    with _inside(where):
        reset_config()  # mutmut reads its configuration from the working directory
        for path in group.files():
            module = path.removesuffix(".py").replace("/", ".")
            mutated = mutate_file_contents(path, (ROOT / path).read_text(encoding="utf-8"))
            names += [f"{module}.{name}" for name in mutated.mutant_names]
    return [
        n
        for n in names
        if any(fnmatch.fnmatch(n, p) for p in patterns)
        and (not only or any(fnmatch.fnmatch(n, o) for o in only))
    ]


def run_mutmut(where: Path, names: list[str], max_children: int) -> int:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    emulator = ROOT / ".venv-emupos" / "bin" / "python"
    if emulator.exists():
        # devtools/ is copied into mutmut's tree, where it would look for its own venv.
        env.setdefault("PPP_ESCPOS_EMULATOR_PYTHON", str(emulator))
    command = [*mutmut_command(), "run", "--max-children", str(max_children), *names]
    with open(where / "mutmut.log", "wb") as log:
        return subprocess.run(command, cwd=where, env=env, stdout=log, stderr=log).returncode


@contextmanager
def _inside(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _function_span(path: str, mangled: str) -> tuple[int, int] | None:
    """First and last line of the function mutmut calls ``mangled`` in the original source."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    if mangled.startswith("xǁ"):
        class_name, _, name = mangled[2:].partition("ǁ")
    else:
        class_name, name = None, mangled[2:]
    scopes = [tree]
    if class_name:
        scopes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name]
    for scope in scopes:
        for node in scope.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                return first, node.end_lineno or node.lineno
    return None


def mutant_line(path: str, mangled: str, diff: str) -> int:
    """The source line a mutant changes, found from its function-local diff."""
    span = _function_span(path, mangled)
    if span is None:
        return 0
    source = (ROOT / path).read_text(encoding="utf-8").splitlines()
    offset = 0
    removed = None
    for line in diff.splitlines():
        hunk = re.match(r"@@ -(\d+)", line)
        if hunk:
            offset = int(hunk.group(1)) - 1
        elif line.startswith("-") and not line.startswith("---"):
            removed = line[1:]
            break
        elif line.startswith(" "):
            offset += 1
    guess = span[0] + offset
    if removed is None:
        return guess
    candidates = [
        n for n in range(span[0], span[1] + 1) if source[n - 1].strip() == removed.strip()
    ]
    return min(candidates, key=lambda n: abs(n - guess)) if candidates else guess


def collect(group: Group, where: Path, names: set[str]) -> tuple[Counter[str], list[Survivor]]:
    """Count the group's mutants by outcome and describe each that was not killed."""
    import json

    from mutmut.mutation.diff_apply import get_diff_for_mutant

    counts: Counter[str] = Counter()
    survivors: list[Survivor] = []
    for path in group.files():
        meta = where / "mutants" / (path + ".meta")
        if not meta.exists():
            continue
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        for name, code in sorted(codes.items(), key=lambda kv: _natural(kv[0])):
            if name not in names:
                continue
            counts["total"] += 1
            if code in KILLED_CODES:
                counts["killed"] += 1
                continue
            if code in SHOWED_CODES:
                counts["killed"] += 1
                counts["timeout_or_crash"] += 1
                continue
            status = (
                "no tests"
                if code in NO_TEST_CODES
                else "survived"
                if code == 0
                else "not checked"
                if code is None
                else f"exit {code}"
            )
            counts[
                "no_tests"
                if code in NO_TEST_CODES
                else "not_checked"
                if code is None
                else "survived_run"
            ] += 1
            with _inside(where):
                diff = get_diff_for_mutant(name, path=path)
            mangled = name.rpartition(".")[2].rpartition("__mutmut_")[0]
            survivors.append(Survivor(name, path, mutant_line(path, mangled, diff), diff, status))
    return counts, survivors


def _natural(name: str) -> tuple[str, int]:
    head, _, number = name.rpartition("__mutmut_")
    return head, int(number) if number.isdigit() else 0


def write_survivors(
    path: Path, by_group: dict[str, list[tuple[Survivor, Equivalent | None]]]
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Mutants the tests did not notice: `python -m benchmarks mutation`.",
        "# Each: group, file:line, mutmut's name, why it is listed, and the change.",
        "",
    ]
    for group, survivors in by_group.items():
        real = [s for s, eq in survivors if eq is None]
        lines.append(f"## {group}: {len(real)} surviving, {len(survivors) - len(real)} equivalent")
        lines.append("")
        for survivor, equivalent in survivors:
            why = f"equivalent: {equivalent.reason}" if equivalent else survivor.status
            lines.append(f"### {survivor.path}:{survivor.line}  {survivor.name}  ({why})")
            lines.append(survivor.diff)
            lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % interval of a ratio estimated from a sample (Wilson score interval)."""
    if n == 0:
        return 0.0, 1.0
    ratio = successes / n
    centre = (ratio + z * z / (2 * n)) / (1 + z * z / n)
    spread = z * math.sqrt(ratio * (1 - ratio) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return round(max(0.0, centre - spread), 4), round(min(1.0, centre + spread), 4)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks mutation")
    parser.add_argument("--group", action="append", choices=[g.name for g in GROUPS])
    parser.add_argument("--only", action="append", default=[], help="mutant name glob")
    parser.add_argument(
        "--sample", type=int, default=0, help="score N mutants per group drawn at random"
    )
    parser.add_argument("--seed", type=int, default=0, help="of the --sample draw")
    parser.add_argument("--survivors", type=Path, default=DEFAULT_SURVIVORS)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--reuse", action="store_true", help="keep mutmut's test map from the last run"
    )
    parser.add_argument(
        "--report-only", action="store_true", help="report the last run again, without running"
    )
    args = parser.parse_args(argv)

    equivalents = load_equivalents()
    started = time.monotonic()
    by_group: dict[str, list[tuple[Survivor, Equivalent | None]]] = {}
    for group in GROUPS:
        if args.group and group.name not in args.group:
            continue
        group_started = time.monotonic()
        where = args.workdir / group.name
        if not args.report_only:
            where = prepare_workdir(group, args.workdir, args.reuse)
        chosen = where / "selected.txt"
        if args.report_only:
            # The mutants the last run drew: the code may have moved since.
            population_size, *names = chosen.read_text(encoding="utf-8").split()
            population = [""] * int(population_size)
        else:
            population = mutant_names(group, where, args.only)
            names = population
            if args.sample and args.sample < len(population):
                names = sorted(random.Random(args.seed).sample(population, args.sample))
            chosen.write_text("\n".join([str(len(population)), *names]) + "\n", encoding="utf-8")
        if not names:
            continue
        if not args.report_only:
            sys.stderr.write(
                f"mutation: {group.name}: {len(names)} mutants,"
                f" {len(group.test_files())} test files\n"
            )
            code = run_mutmut(where, names, args.max_children)
            if code != 0:  # a flaky test in the clean runs stops mutmut: try once more
                sys.stderr.write(f"mutation: {group.name}: mutmut exited {code}, once more\n")
                code = run_mutmut(where, names, args.max_children)
            if code != 0:
                log = (where / "mutmut.log").read_text(errors="replace")[-3000:]
                sys.stderr.write(f"mutation: {group.name}: mutmut exited {code}\n{log}\n")
                continue
        counts, survivors = collect(group, where, set(names))
        listed: list[tuple[Survivor, Equivalent | None]] = []
        for survivor in survivors:
            entry = equivalents.get(survivor.name)
            if entry is not None and entry.mutated_line != survivor.mutated_line:
                sys.stderr.write(
                    f"mutation: {survivor.name} no longer reads {entry.mutated_line!r}:"
                    " its equivalent entry does not apply\n"
                )
                entry = None
            listed.append((survivor, entry))
        surviving = {s.name for s in survivors}
        for name in sorted(set(equivalents) & set(names) - surviving):
            sys.stderr.write(f"mutation: equivalent entry {name} was killed: remove it\n")
        by_group[group.name] = listed
        equivalent = sum(1 for _, e in listed if e is not None)
        scored = counts["total"] - equivalent
        extra: dict[str, object] = {}
        if len(names) < len(population):
            extra = {"population": len(population), "ci95": wilson(counts["killed"], scored)}
        emit(
            "mutation",
            "mutation_score",
            counts["killed"] / scored if scored else 1.0,
            "ratio",
            module=group.name,
            killed=counts["killed"],
            survived=scored - counts["killed"],
            total=counts["total"],
            equivalent=equivalent,
            no_tests=counts["no_tests"],
            not_checked=counts["not_checked"],
            timeout_or_crash=counts["timeout_or_crash"],
            seconds=round(time.monotonic() - group_started, 1),
            **extra,
        )
    write_survivors(args.survivors, by_group)
    emit("mutation", "mutation_run_s", time.monotonic() - started, "s")
