#!/usr/bin/env python3
"""A program that uses `hearth export json` (or gha) as an editor does.

It keeps an environment of its own, starting from the one it was given,
and runs `hearth export FORMAT` in it, then applies what that prints:
json as direnv's object (a name to a value, or to null to unset), gha as
GitHub Actions reads $GITHUB_ENV (NAME<<DELIMITER, lines, DELIMITER).

usage: export-consumer.py FORMAT STEP...
  cd=DIR         change directory
  export=LABEL   run hearth export FORMAT and apply; print what changed
  dump=FILE      write the environment, NAME=VALUE NUL-terminated, sorted
  run=COMMAND    run sh -c COMMAND in the environment; print its output

The JSON is decoded strictly (invalid UTF-8 or a duplicate name fails).
"""
import json
import os
import subprocess
import sys


def no_duplicates(pairs):
    names = [k for k, _ in pairs]
    if len(names) != len(set(names)):
        raise ValueError("duplicate name in %r" % names)
    return dict(pairs)


def parse_json(out):
    obj = json.loads(out.decode("utf-8", errors="strict"),
                     object_pairs_hook=no_duplicates)
    if not isinstance(obj, dict):
        raise ValueError("not an object")
    changes = {}
    for name, value in obj.items():
        if value is not None and not isinstance(value, str):
            raise ValueError("%s: not a string or null" % name)
        changes[name.encode("utf-8")] = (
            None if value is None else value.encode("utf-8"))
    return changes


def parse_gha(out):
    # As the runner reads the file: NAME=VALUE, or NAME<<DELIM ... DELIM.
    lines = out.decode("utf-8", errors="strict").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    changes = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line:
            name, delim = line.split("<<", 1)
            end = lines.index(delim, i + 1)
            value = "\n".join(lines[i + 1:end])
            i = end + 1
        else:
            name, value = line.split("=", 1)
            i += 1
        changes[name.encode("utf-8")] = value.encode("utf-8")
    return changes


def main():
    fmt = sys.argv[1]
    env = dict(os.environb)
    for step in sys.argv[2:]:
        op, arg = step.split("=", 1)
        if op == "cd":
            os.chdir(arg)
        elif op == "export":
            p = subprocess.run(["hearth", "export", fmt], env=env,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
            for line in p.stderr.decode("utf-8", "replace").splitlines():
                print("%s: stderr: %s" % (arg, line))
            if p.returncode != 0:
                print("%s: exit %d" % (arg, p.returncode))
                continue
            if p.stdout == b"":
                print("%s: empty" % arg)
                continue
            changes = (parse_json if fmt == "json" else parse_gha)(p.stdout)
            for name, value in changes.items():
                if value is None:
                    env.pop(name, None)
                else:
                    env[name] = value
            print("%s: %s" % (arg, " ".join(sorted(
                ("-" if v is None else "") + n.decode() for n, v in
                changes.items()))))
        elif op == "run":
            p = subprocess.run(["sh", "-c", arg], env=env,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            for line in p.stdout.decode("utf-8", "replace").splitlines():
                print("run: %s" % line)
        elif op == "dump":
            with open(arg, "wb") as f:
                for name in sorted(env):
                    f.write(name + b"=" + env[name] + b"\0")
        else:
            raise ValueError("unknown step " + step)


main()
