"""Install test (issue 11 §7): `cmake --install BUILD --prefix P` into a temporary prefix, then the installed binary
runs from there with no build tree (help lists the shipped Lua command `uptime`), `man -l` renders the man page,
the bash completion completes dust's options, and `cpack -G DEB` builds a .deb whose Depends name the Debian
packages of the linked libraries. Usage: test_install.py BUILD_DIR (CTest passes it)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

BUILD = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../build"))


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=240, **kw)


class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="dust-install-")
        cls.prefix = os.path.join(cls.tmp, "prefix")
        r = run(["cmake", "--install", BUILD, "--prefix", cls.prefix])
        assert r.returncode == 0, r.stdout + r.stderr
        # An empty home: nothing of the builder's ~/.dustcluster, no AWS settings.
        cls.home = os.path.join(cls.tmp, "home")
        os.makedirs(cls.home)
        cls.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": cls.home, "LANG": "C.UTF-8",
                   "DUST_HOME": os.path.join(cls.home, ".dustcluster")}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_layout(self):
        for f in ("bin/dust", "libexec/dust/dust-core", "share/man/man1/dust.1", "share/dust/commands/uptime.lua",
                  "share/dust/commands/inventory.lua", "share/bash-completion/completions/dust"):
            self.assertTrue(os.path.isfile(os.path.join(self.prefix, f)), f)
        for f in ("bin/dust", "libexec/dust/dust-core"):
            self.assertTrue(os.access(os.path.join(self.prefix, f), os.X_OK), f)

    def test_the_front_links_none_of_the_heavy_libraries(self):
        # bin/dust serves a one-shot through a running server; it starts fast because it loads no
        # ssh, AWS (curl), Lua, libarchive or XML library: dust-core does, once the front hands over.
        def needed(path):
            r = run(["readelf", "-d", path])
            self.assertEqual(r.returncode, 0, r.stderr)
            return set(re.findall(r"Shared library: \[([^\]]+)\]", r.stdout))
        front = needed(os.path.join(self.prefix, "bin/dust"))
        core = needed(os.path.join(self.prefix, "libexec/dust/dust-core"))
        for lib in ("libssh", "libcurl", "liblua", "libarchive", "libpugixml", "libre2"):
            self.assertFalse([n for n in front if n.startswith(lib)], (lib, front))
            self.assertTrue([n for n in core if n.startswith(lib)], (lib, core))
        # Outside sanitized builds it links the few it uses statically (CMakeLists.txt): each shared
        # library costs its start dozens of page faults. Sanitized builds keep a shared libstdc++.
        with open(os.path.join(BUILD, "CMakeCache.txt")) as f:
            cache = f.read()
        sanitized = "DUST_SANITIZE:BOOL=ON" in cache or "DUST_FUZZ:BOOL=ON" in cache  # FUZZ implies it
        if not sanitized:
            self.assertLessEqual(front, {"libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2"}, front)
            self.assertIn("libstdc++.so.6", core)

    def test_the_front_runs_the_core_beside_it_and_names_it_when_missing(self):
        broken = os.path.join(self.tmp, "no-core")
        shutil.copytree(self.prefix, broken)
        core = os.path.join(broken, "libexec/dust/dust-core")
        os.remove(core)
        r = run([os.path.join(broken, "bin/dust"), "help"], env=self.env, cwd=self.tmp)
        self.assertEqual(r.returncode, 127, r.stdout + r.stderr)
        self.assertIn(f"dust: cannot run {os.path.join(broken, 'bin/../libexec/dust/dust-core')}", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_installed_binary_finds_the_shipped_lua_commands_without_a_build_tree(self):
        # A copy of the prefix elsewhere: the binary finds share/dust/commands relative to itself.
        moved = os.path.join(self.tmp, "moved")
        shutil.copytree(self.prefix, moved)
        for prefix in (self.prefix, moved):
            r = run([os.path.join(prefix, "bin/dust"), "help"], env=self.env, cwd=self.tmp)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertRegex(r.stdout, r"\n  uptime\b", r.stdout)
            self.assertRegex(r.stdout, r"\n  logdir \[DIR\|off\]", r.stdout)
        r = run([os.path.join(moved, "bin/dust"), "help", "uptime"], env=self.env, cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("usage: uptime", r.stdout)

    def test_man_page_renders_and_names_every_command(self):
        page = os.path.join(self.prefix, "share/man/man1/dust.1")
        if not shutil.which("man"):
            self.fail("man is not installed (scripts/install-deps.sh installs man-db)")
        r = run(["man", "-l", page], env=dict(self.env, MANPAGER="cat", PAGER="cat", MANWIDTH="100"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("warning", r.stderr)
        text = r.stdout
        for section in ("NAME", "SYNOPSIS", "OPTIONS", "COMMANDS", "TARGETS", "FILES", "ENVIRONMENT", "EXIT STATUS"):
            self.assertRegex(text, rf"(?m)^{section}$", section)
        for word in ("--log-dir DIR", "logdir [DIR|off]", "uptime", "@[target] [command]", "DUST_HOME",
                     "last.failed", "share/dust/commands"):
            self.assertIn(word, text)
        # Every command `help` lists (built-ins and the shipped Lua ones) has its entry in the page.
        r = run([os.path.join(self.prefix, "bin/dust"), "help"], env=self.env, cwd=self.tmp)
        names = [l.split()[0] for l in r.stdout.splitlines() if l.startswith("  ") and l[2] != " "]
        self.assertGreater(len(names), 20)
        for name in names:
            self.assertRegex(text, rf"(?m)^       {re.escape(name)}(\s|\[|$)", name)

    def test_bash_completion_completes_options_and_commands(self):
        script = os.path.join(self.prefix, "share/bash-completion/completions/dust")
        def complete(*words):
            line = " ".join(f"'{w}'" for w in words)
            r = run(["bash", "-c", f'source "{script}"; COMP_WORDS=(dust {line}); COMP_CWORD={len(words)}; '
                     f'_dust; printf "%s\\n" "${{COMPREPLY[@]}}"'], env=self.env, cwd=self.tmp)
            self.assertEqual(r.returncode, 0, r.stderr)
            return sorted(r.stdout.split())
        self.assertEqual(complete("--lo"), ["--log-dir", "--loglevel"])
        self.assertEqual(complete("--loglevel", "d"), ["debug"])
        self.assertEqual(complete("-y", "logd"), ["logdir"])
        self.assertIn("--json", complete("--"))
        self.assertNotIn("--man", complete("--"))
        os.makedirs(os.path.join(self.tmp, "logs-here"), exist_ok=True)
        self.assertEqual(complete("--log-dir", "logs-"), ["logs-here"])

    def test_deb_package_depends_on_the_linked_libraries(self):
        if not shutil.which("dpkg-shlibdeps"):
            self.fail("dpkg-shlibdeps is missing (package dpkg-dev)")
        out = os.path.join(self.tmp, "deb")
        r = run(["cpack", "-G", "DEB", "--config", os.path.join(BUILD, "CPackConfig.cmake"), "-B", out], cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        debs = [f for f in os.listdir(out) if f.endswith(".deb")]
        self.assertEqual(len(debs), 1, os.listdir(out))
        deb = os.path.join(out, debs[0])
        info = run(["dpkg-deb", "-I", deb]).stdout
        depends = next(l for l in info.splitlines() if l.strip().startswith("Depends:"))
        for pkg in ("libssh-4", "libcurl4", "libyaml-cpp0.7", "liblua5.4-0", "libreadline8", "libpugixml1v5",
                    "libfmt9", "libssl3", "libc6", "libstdc++6"):
            self.assertRegex(depends, rf"(:|, ) ?{re.escape(pkg)}( \(|,|$)", depends)
        files = run(["dpkg-deb", "-c", deb]).stdout
        for f in ("./usr/bin/dust", "./usr/libexec/dust/dust-core", "./usr/share/man/man1/dust.1", "./usr/share/dust/commands/uptime.lua",
                  "./usr/share/bash-completion/completions/dust"):
            self.assertIn(f, files)


if __name__ == "__main__":
    unittest.main(verbosity=2)
