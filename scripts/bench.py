#!/usr/bin/env python3
"""archprompt's benchmark: generates its own data under a temporary directory and reports, side by
side, (1) the median wall time of `scan --json` on one typical repository, process start
included; (2) a generated monorepo of more than 100,000 files (a 50,000-file node_modules, a big
.git-like directory, a deep source tree) next to a full walk of the same tree; (3) bulk scans of
1,000 and 10,000 generated repositories of mixed stacks: repositories per second, time per
repository and peak memory; (4) on the 1,000: `init` writing every agent file, then `doctor`
checking each against a fresh scan (placeholders, drift, encoding); (5) one npm workspace of
10,000 and of 99,000 packages (`packages/pN/package.json`, every 97th an Express + pg backend):
scan time and peak memory, which grow linearly with the number of projects. 99,000 is the most
the listing's 200,000 entries hold: each package is a directory and its package.json. Then
workspaces of 2,500 and 10,000 packages linked in a ring (each depends on the next, and on
Express, pg and Prisma), the shape where every project reaches every other. (6) repository shapes
that used to cost archprompt many times a full walk (issue 21): many test files (a Django shop of
1,500 apps), many projects (a pnpm workspace of 3,000 packages with tests), many migrations, a
deep tree and a wide directory; each next to `find DIR > /dev/null` of the same tree (median of 7
alternating pairs, process start included), at N and 2N, so that the time ratio shows whether the
cost is linear; and the monorepo of section 2 (source 7 levels down) in the same way.

Usage: python3 scripts/bench.py [--binary target/release/archprompt] [--keep DIR] [--only 1,5]
Build first: cargo build --release. Needs only Python 3 and /usr/bin/time (GNU time) for memory.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

STACKS = {
    "node": {
        "package.json": json.dumps({"name": "svc", "scripts": {"dev": "nodemon src/index.js", "test": "jest"},
                                    "dependencies": {"express": "^4.21.0", "pg": "^8.12.0", "knex": "^3.1.0"},
                                    "devDependencies": {"jest": "^29.7.0"}}),
        "package-lock.json": "{}",
        "src/index.js": "const express = require('express');\n",
        "migrations/001_init.js": "exports.up = () => {};\n",
    },
    "python": {
        "pyproject.toml": "[project]\nname = \"svc\"\ndependencies = [\"fastapi\", \"sqlalchemy\", \"alembic\", \"psycopg\"]\n",
        "uv.lock": "version = 1\n",
        "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
        "alembic.ini": "[alembic]\nscript_location = migrations\n",
        "migrations/env.py": "",
        "tests/test_app.py": "def test(): pass\n",
    },
    "rust": {
        "Cargo.toml": "[package]\nname = \"svc\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.7\"\nsqlx = { version = \"0.8\", features = [\"postgres\"] }\n",
        "src/main.rs": "fn main() {}\n",
        "migrations/0001_init.sql": "CREATE TABLE t (id INT);\n",
    },
    "go": {
        "go.mod": "module example.com/svc\n\ngo 1.23\n\nrequire github.com/gin-gonic/gin v1.10.0\n",
        "main.go": "package main\n\nfunc main() {}\n",
        "main_test.go": "package main\n",
    },
}


def write(root, files):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


def make_repos(base, count):
    names = sorted(STACKS)
    for i in range(count):
        repo = os.path.join(base, f"repo{i:05d}")
        write(repo, STACKS[names[i % len(names)]])
        os.makedirs(os.path.join(repo, ".git"), exist_ok=True)


def make_monorepo(root, nesting):
    """apps/api (NestJS + Prisma) and apps/web in a pnpm workspace, with a 50,000-file
    node_modules, a 30,000-file .git and a source tree of 25,000 files `nesting` levels down
    (`apps/api/src/modNN/subN/...`, at least 6)."""
    write(root, {
        "package.json": json.dumps({"name": "mono", "private": True, "packageManager": "pnpm@9.12.0"}),
        "pnpm-workspace.yaml": "packages:\n  - apps/*\n",
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
        "apps/api/package.json": json.dumps({"name": "api", "scripts": {"start:dev": "nest start --watch"},
                                             "dependencies": {"@nestjs/core": "^10", "@prisma/client": "^5"},
                                             "devDependencies": {"prisma": "^5"}}),
        "apps/api/prisma/schema.prisma": "datasource db {\n  provider = \"postgresql\"\n}\n",
        "apps/api/prisma/migrations/0001_init/migration.sql": "CREATE TABLE t (id INT);\n",
        "apps/web/package.json": json.dumps({"name": "web", "scripts": {"dev": "vite"}, "dependencies": {"react": "^18"}}),
    })
    count = 0
    for p in range(500):
        d = os.path.join(root, "node_modules", f"pkg{p:03d}", "lib")
        os.makedirs(d, exist_ok=True)
        for f in range(100):
            open(os.path.join(d, f"f{f:03d}.js"), "w").close()
            count += 1
    for p in range(300):
        d = os.path.join(root, ".git", "objects", f"{p:02x}"[-2:] + str(p))
        os.makedirs(d, exist_ok=True)
        for f in range(100):
            open(os.path.join(d, f"{f:038x}"), "w").close()
            count += 1
    inner = ["domain", "model", "impl", "v1", "gen", "x"][: nesting - 6]
    for a in range(25):
        for b in range(10):
            d = os.path.join(root, "apps", "api", "src", f"mod{a:02d}", f"sub{b}", *inner)
            os.makedirs(d, exist_ok=True)
            for f in range(100):
                with open(os.path.join(d, f"file{f:03d}.ts"), "w") as fh:
                    fh.write("export {};\n")
                count += 1
    return count


def make_workspace(root, count):
    """A root package.json with `"workspaces": ["packages/*"]` and `count` packages; every 97th
    depends on Express and pg, so there are backends to score and describe."""
    write(root, {"package.json": json.dumps({"name": "mono", "private": True, "workspaces": ["packages/*"]})})
    for i in range(count):
        deps = {"express": "4", "pg": "8"} if i % 97 == 0 else {"lodash": "4"}
        write(root, {f"packages/p{i}/package.json": json.dumps({"name": f"p{i}", "dependencies": deps})})


def make_ring(root, count):
    """A workspace of `count` packages, each depending on the next (the last on the first) and on
    Express, pg and Prisma: every package reaches every other."""
    write(root, {"package.json": json.dumps({"name": "mono", "private": True, "workspaces": ["packages/*"]})})
    for i in range(count):
        deps = {f"p{(i + 1) % count}": "*", "express": "4", "pg": "8", "prisma": "5", "@prisma/client": "5"}
        write(root, {f"packages/p{i}/package.json": json.dumps({"name": f"p{i}", "dependencies": deps})})


def make_django_shop(root, apps):
    """A Django project of `apps` apps under `shop/`, each with models, views, migrations and a
    `tests/` package: about 9 files per app."""
    write(root, {
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n",
        "requirements.txt": "Django==5.1\npsycopg[binary]==3.2\npytest-django==4.9\n",
        "config/__init__.py": "",
        "config/settings.py": "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql'}}\n",
        "config/urls.py": "urlpatterns = []\n",
    })
    for i in range(apps):
        write(root, {
            f"shop/app{i}/__init__.py": "",
            f"shop/app{i}/apps.py": "from django.apps import AppConfig\n",
            f"shop/app{i}/models.py": "from django.db import models\n",
            f"shop/app{i}/views.py": "",
            f"shop/app{i}/migrations/__init__.py": "",
            f"shop/app{i}/migrations/0001_initial.py": "from django.db import migrations\n",
            f"shop/app{i}/tests/__init__.py": "",
            f"shop/app{i}/tests/test_models.py": "from django.test import TestCase\nclass TestM(TestCase): pass\n",
            f"shop/app{i}/tests/test_views.py": "def test_view(): pass\n",
        })


def make_pnpm_tests(root, packages):
    """A pnpm workspace of `packages` small packages, each with a source file and a test: every
    10th an Express + pg service, so there are backends to pick among."""
    write(root, {
        "package.json": json.dumps({"name": "mono", "private": True, "scripts": {"test": "vitest"},
                                    "devDependencies": {"vitest": "^2"}}),
        "pnpm-workspace.yaml": "packages:\n  - packages/*\n",
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
    })
    for i in range(packages):
        deps = {"express": "^4", "pg": "^8"} if i % 10 == 0 else {"lodash": "^4"}
        write(root, {
            f"packages/p{i}/package.json": json.dumps({"name": f"p{i}", "scripts": {"test": "vitest run"},
                                                      "dependencies": deps}),
            f"packages/p{i}/src/index.ts": "export {};\n",
            f"packages/p{i}/src/index.test.ts": "import { test } from 'vitest';\n",
            f"packages/p{i}/README.md": "",
        })


def make_migrations(root, count):
    """An Express + Knex service whose `migrations/` holds `count` migrations, and a Rails-style
    `db/migrate` of as many again."""
    write(root, STACKS["node"])
    for i in range(count):
        write(root, {f"migrations/{20240101000000 + i}_step.js": "exports.up = () => {};\n",
                     f"db/migrate/{20240101000000 + i}_step.rb": ""})


def make_deep(root, files):
    """A Gradle + Spring Boot service whose code lies 12 levels down (`src/main/java/com/acme/...`),
    `files` files in folders of 50, with tests mirroring a tenth of them."""
    write(root, {
        "settings.gradle": "rootProject.name = 'svc'\n",
        "build.gradle": "plugins { id 'org.springframework.boot' version '3.3.0' }\n"
                        "dependencies { implementation 'org.springframework.boot:spring-boot-starter-web'\n"
                        "runtimeOnly 'org.postgresql:postgresql' }\n",
        "gradlew": "#!/bin/sh\n",
        "src/main/java/com/acme/App.java": "@SpringBootApplication class App {}\n",
    })
    for i in range(files // 50):
        pkg = f"src/main/java/com/acme/m{i % 20}/a{i // 20 % 10}/b/c/d/p{i}"
        for f in range(50):
            write(root, {f"{pkg}/C{f}.java": "class C {}\n"})
        if i % 10 == 0:
            write(root, {f"src/test/java/com/acme/m{i % 20}/a{i // 20 % 10}/b/c/d/p{i}/CTest.java": "class CTest {}\n"})


def make_wide(root, files):
    """A FastAPI service with one folder of `files` data files beside its code."""
    write(root, STACKS["python"])
    for i in range(files):
        write(root, {f"data/fixtures/f{i:06d}.json": "{}\n"})


SHAPES = {
    # name: (generator, size N, what N counts)
    "many test files (Django shop)": (make_django_shop, 1500, "apps"),
    "many projects (pnpm + tests)": (make_pnpm_tests, 3000, "packages"),
    "many migrations": (make_migrations, 5000, "migrations per folder"),
    "deep tree (Java, 12 levels)": (make_deep, 10000, "files"),
    "wide directory": (make_wide, 20000, "files in one folder"),
}


def pairs(cmd_a, cmd_b, runs=7):
    """Medians of `runs` alternating runs of two commands (stdout to /dev/null), in seconds."""
    a, b = [], []
    for _ in range(runs):
        for cmd, out in ((cmd_a, a), (cmd_b, b)):
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            out.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def shape_ratio(binary, root):
    """archprompt's median time on `root` next to `find`'s, and their ratio."""
    # A scan that fails would be timed as a fast one: check it once before timing.
    subprocess.run([binary, "scan", "--json", root], stdout=subprocess.DEVNULL, check=True)
    t_scan, t_find = pairs([binary, "scan", "--json", root], ["find", root])
    return t_scan, t_find, t_scan / t_find


def wall(cmd, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_kb(cmd):
    """Peak resident set size of `cmd` in KB, from GNU time; None without it."""
    if not os.path.exists("/usr/bin/time"):
        return None
    done = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        return int(done.stderr.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def full_walk(root):
    count = 0
    for _, _, files in os.walk(root):
        count += len(files)
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/release/archprompt")
    parser.add_argument("--keep", help="generate the data here and keep it")
    parser.add_argument("--only", help="run only these sections, comma-separated (1 to 6)")
    args = parser.parse_args()
    only = {int(n) for n in args.only.split(",")} if args.only else {1, 2, 3, 4, 5, 6}
    binary = os.path.abspath(args.binary)
    if not os.path.exists(binary):
        sys.exit(f"{binary} not found: run `cargo build --release` first")
    base = args.keep or tempfile.mkdtemp(prefix="archprompt-bench-")
    os.makedirs(base, exist_ok=True)
    try:
        print(f"data in {base}; machine: {os.cpu_count()} CPUs")
        if 1 in only:
            typical = os.path.join(base, "typical")
            write(typical, STACKS["node"])
            t = wall([binary, "scan", "--json", typical], 30)
            print(f"1. typical repository: median {t * 1000:.1f} ms per `scan --json` (30 runs, process start included)")

        if 2 in only:
            # Files 10 levels down, as in a Java package tree, lie below archprompt's 8-level listing;
            # 7 levels down they are all listed, which shows the cost of a tree within the limit.
            for nesting in (10, 7):
                mono = os.path.join(base, f"monorepo{nesting}")
                files = make_monorepo(mono, nesting)
                t_scan = wall([binary, "scan", "--json", mono], 5)
                t_find = wall(["find", mono, "-type", "f"], 5)
                start = time.perf_counter()
                full_walk(mono)
                t_walk = time.perf_counter() - start
                print(f"2. monorepo of {files:,} files, source {nesting} levels down: archprompt {t_scan * 1000:.0f} ms, "
                      f"`find` {t_find * 1000:.0f} ms (ratio {t_scan / t_find:.3f}), Python os.walk {t_walk * 1000:.0f} ms")

        if 3 in only:
            results = {}
            for count in (1000, 10000):
                repos = os.path.join(base, f"repos{count}")
                make_repos(repos, count)
                cmd = [binary, "scan", "--json", "--discover", repos]
                t = wall(cmd, 3)
                kb = peak_kb(cmd)
                results[count] = t
                mem = f", peak RSS {kb / 1024:.1f} MB" if kb else ""
                print(f"3. {count:,} repositories: {t:.2f} s, {count / t:,.0f} repos/s, {t / count * 1e6:.0f} µs per repo{mem}")
            print(f"   time per repo from 1,000 to 10,000: x{(results[10000] / 10000) / (results[1000] / 1000):.2f}")

        if 4 in only:
            if 3 not in only:
                make_repos(os.path.join(base, "repos1000"), 1000)
            repos = os.path.join(base, "repos1000")
            init = [binary, "init", "--discover", repos]
            start = time.perf_counter()
            subprocess.run(init, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            t_init = time.perf_counter() - start
            doctor = [binary, "doctor", "--json", "--discover", repos]
            t_doctor = wall(doctor, 3)
            kb = peak_kb(doctor)
            mem = f", peak RSS {kb / 1024:.1f} MB" if kb else ""
            print(f"4. 1,000 repositories: `init` {t_init:.2f} s ({1000 / t_init:,.0f} repos/s); "
                  f"`doctor` {t_doctor:.2f} s ({1000 / t_doctor:,.0f} repos/s{mem})")

        if 5 in only:
            sizes = {}
            for count in (10000, 99000):
                ws = os.path.join(base, f"workspace{count}")
                make_workspace(ws, count)
                cmd = [binary, "scan", "--json", ws]
                # Every package listed and scanned: none cut off by the listing's budget.
                report = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=False).stdout)
                if len(report["projects"]) != count + 1:
                    print(f"   only {len(report['projects']) - 1:,} of {count:,} packages were scanned")
                t = wall(cmd, 1)
                kb = peak_kb(cmd)
                sizes[count] = t
                mem = f", peak RSS {kb / 1024:.0f} MB" if kb else ""
                print(f"5. npm workspace of {count:,} packages: {t:.2f} s, {t / count * 1e6:.0f} µs per project{mem}")
            print(f"   time per project from 10,000 to 99,000: x{(sizes[99000] / 99000) / (sizes[10000] / 10000):.2f}")
            for count in (2500, 10000):
                ring = os.path.join(base, f"ring{count}")
                make_ring(ring, count)
                cmd = [binary, "scan", "--json", ring]
                t = wall(cmd, 1)
                kb = peak_kb(cmd)
                sizes[f"ring{count}"] = t
                mem = f", peak RSS {kb / 1024:.0f} MB" if kb else ""
                print(f"5. ring of {count:,} linked packages: {t:.2f} s{mem}")
            print(f"   time per project from a ring of 2,500 to 10,000: x{(sizes['ring10000'] / 10000) / (sizes['ring2500'] / 2500):.2f}")

        if 6 in only:
            print("6. shapes, each next to `find DIR > /dev/null` of the same tree (median of 7 alternating pairs)")
            print(f"   {'shape':34} {'N':>6} {'files':>7} {'archprompt':>10} {'find':>7} {'ratio':>6}  time at 2N / N")
            for name, (make, n, unit) in SHAPES.items():
                times = []
                for size in (n, 2 * n):
                    root = os.path.join(base, "shapes", f"{make.__name__[5:]}{size}")
                    if not os.path.exists(root):
                        make(root, size)
                    t_scan, t_find, ratio = shape_ratio(binary, root)
                    times.append(t_scan)
                    growth = f"  x{times[1] / times[0]:.2f}" if len(times) == 2 else ""
                    print(f"   {name:34} {size:>6} {full_walk(root):>7} {t_scan * 1000:>7.1f} ms {t_find * 1000:>4.1f} ms "
                          f"{ratio:>6.2f}{growth}")
            mono = os.path.join(base, "monorepo7")
            if not os.path.exists(mono):
                make_monorepo(mono, 7)
            t_scan, t_find, ratio = shape_ratio(binary, mono)
            print(f"   {'monorepo, source 7 levels down':34} {'':>6} {full_walk(mono):>7} {t_scan * 1000:>7.1f} ms "
                  f"{t_find * 1000:>4.1f} ms {ratio:>6.2f}")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
