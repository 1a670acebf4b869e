"""E2E (issue 21): the ssh_config differential test. Every config of tests/data/ssh_config_corpus is
resolved for its hosts by the real `ssh -G` (OpenSSH 9.2, the oracle) and by `dust ssh-config`;
the options dust uses must agree line for line, and a host or config ssh refuses dust refuses too.
No AWS, no network: both only read files (and run the configs' `Match exec` commands)."""
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DUST = os.environ.get("DUST_BIN") or os.path.join(REPO, "build", "dust")
CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "ssh_config_corpus")
# The options dust uses (src/ssh/ssh_config_format.cpp ssh_config_compared_keywords).
COMPARED = ["host", "user", "hostname", "port", "batchmode", "identitiesonly",
            "stricthostkeychecking", "hostkeyalias", "identityagent", "identityfile",
            "certificatefile", "userknownhostsfile", "sendenv", "setenv", "connecttimeout",
            "serveraliveinterval", "serveralivecountmax", "proxycommand", "proxyjump"]
EXTRA_HOSTS = ["a,b", "a;b", "-x", "UPPER.Example.COM", "u@h", "10.1"]  # resolved for every 10th config


def options(stdout):
    out = {}
    for line in stdout.splitlines():
        kw, _, value = line.partition(" ")
        if kw in COMPARED:
            out.setdefault(kw, []).append(value)
    return out


class SshConfigDiff(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="dust-sshcfg-diff-")
        os.chmod(self.tmp, 0o755)
        # ssh's ~ is the passwd entry's home; dust's is $HOME: run both with the same one.
        self.home = pwd.getpwuid(os.getuid()).pw_dir
        self.rel = f"dust-corpus-{os.getpid()}"
        self.reldir = os.path.join(self.home, ".ssh", self.rel)
        os.makedirs(self.reldir, exist_ok=True)
        self.env = dict(os.environ, HOME=self.home, DUST_HOME=os.path.join(self.tmp, "dust-home"))
        for k in ("MY_AGENT", "DUST_CORPUS_UNSET_VARIABLE"):
            self.env.pop(k, None)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
        shutil.rmtree(self.reldir, ignore_errors=True)

    def copy(self, src, dst):
        with open(src) as f:
            text = f.read().replace("@DIR@", self.tmp).replace("@REL@", self.rel)
        with open(dst, "w", newline="") as f:
            f.write(text)

    def ssh_G(self, conf, host):
        return subprocess.run(["ssh", "-F", conf, "-G", "--", host], capture_output=True, text=True,
                              env=self.env, stdin=subprocess.DEVNULL, timeout=30)

    def dust_blocks(self, conf, hosts):
        """`dust -F conf ssh-config h1 h2 ...`: {host: (refused, text)} from its `# HOST` blocks."""
        r = subprocess.run([DUST, "-F", conf, "ssh-config", "--", *hosts], capture_output=True,
                           text=True, env=self.env, stdin=subprocess.DEVNULL, timeout=60)
        if len(hosts) == 1:
            return {hosts[0]: (r.returncode != 0, r.stdout + r.stderr)}
        blocks, cur = {}, None
        for line in r.stdout.splitlines():
            if line.startswith("# ") and not line.startswith("# refused: "):
                cur = line[2:]
                blocks[cur] = [False, ""]
            elif cur is not None and line.startswith("# refused: "):
                blocks[cur] = [True, line]
            elif cur is not None:
                blocks[cur][1] += line + "\n"
        if not blocks:
            return {h: (True, r.stderr) for h in hosts}  # the whole config refused
        return {h: tuple(blocks.get(h, (True, "(no block)"))) for h in hosts}

    def run_config(self, conf, hosts):
        name = os.path.basename(conf)
        dust = self.dust_blocks(conf, hosts)
        bad = []
        for host in hosts:
            ssh = self.ssh_G(conf, host)
            refused, text = dust[host]
            if ssh.returncode != 0:
                if not refused:
                    bad.append(f"{name} {host!r}: ssh refuses ({ssh.stderr.strip()[-200:]}) "
                               f"but dust prints\n{text}")
                continue
            if refused:
                bad.append(f"{name} {host!r}: dust refuses ({text.strip()[-300:]}) but ssh accepts")
                continue
            want, got = options(ssh.stdout), options(text)
            diffs = [f"  {k}: ssh {want.get(k)} dust {got.get(k)}" for k in COMPARED
                     if want.get(k) != got.get(k)]
            if diffs:
                bad.append(f"{name} {host!r}:\n" + "\n".join(diffs))
        return bad

    def test_corpus_agrees_with_ssh_G(self):
        os.makedirs(os.path.join(self.tmp, "inc"))
        for f in os.listdir(os.path.join(CORPUS, "inc")):
            self.copy(os.path.join(CORPUS, "inc", f), os.path.join(self.tmp, "inc", f))
            self.copy(os.path.join(CORPUS, "inc", f), os.path.join(self.reldir, f))
        jobs = []
        confs = sorted(f for f in os.listdir(CORPUS) if f.endswith(".conf"))
        self.assertGreaterEqual(len(confs), 100)
        for i, name in enumerate(confs):
            conf = os.path.join(self.tmp, name)
            self.copy(os.path.join(CORPUS, name), conf)
            with open(conf) as f:
                m = re.match(r"# hosts: (.*)", f.readline())
            self.assertTrue(m, f"{name}: first line must be '# hosts: ...'")
            hosts = m.group(1).split() + (EXTRA_HOSTS if i % 10 == 0 else [])
            jobs.append((conf, hosts))
        with ThreadPoolExecutor(max_workers=6) as pool:
            results = list(pool.map(lambda j: self.run_config(*j), jobs))
        bad = [b for r in results for b in r]
        resolutions = sum(len(h) for _, h in jobs)
        print(f"ssh_config corpus: {len(confs)} configs, {resolutions} host resolutions, "
              f"{len(COMPARED)} options compared, {len(bad)} disagreements", file=sys.stderr)
        self.assertEqual(bad, [], "\n".join(bad[:40]))


if __name__ == "__main__":
    unittest.main()
