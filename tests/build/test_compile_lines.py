"""The checkout's path is on no compile line (issue 23): a `-DX="/path/to/checkout"` (or any absolute path
under the checkout outside -I/-o/-c/-MF arguments, which ccache rewrites) makes every object differ between
two clones, so ccache shares nothing. Reads the compile_commands.json CMake writes.

    python3 tests/build/test_compile_lines.py BUILD_DIR
"""
import json
import os
import shlex
import sys


def main():
    build = os.path.abspath(sys.argv[1])
    with open(os.path.join(build, "compile_commands.json")) as f:
        commands = json.load(f)
    source = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    bad = []
    for c in commands:
        words = shlex.split(c["command"])
        for w in words:
            if w.startswith("-D") and source in w:
                bad.append(f"{c['file']}: {w}")
    if not commands:
        sys.exit("compile_commands.json lists no compile commands")
    if bad:
        sys.exit("the checkout's path is on compile lines (ccache cannot share objects):\n" + "\n".join(bad[:20]))
    print(f"{len(commands)} compile lines, none with the checkout's path in a definition")


if __name__ == "__main__":
    main()
