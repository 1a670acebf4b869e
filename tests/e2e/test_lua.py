"""E2E: drop-in Lua commands — loading, help, dispatch, errors, state, and the shipped uptime/inventory —
through the real dust binary against moto (auth mode) and sshd hosts in network namespaces."""
import configparser
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import testbed
from testbed.harness import REPO

GOOD = r'''
local greeting = "hello"            -- a file-local helper: must not leak into other files
dust.command{
  name = "hello", aliases = {"hi"}, usage = "hello [target] [words...]", summary = "greets the nodes",
  flags = {{"-l", "--loud", "shout"}}, target = "optional",
  run = function(args)
    local names = {}
    for _, n in ipairs(args.nodes) do names[#names + 1] = n.label end
    local text = greeting .. " " .. dust.fold(names) .. " words=" .. table.concat(args.words, "+")
    if args.flags["--loud"] then text = text:upper() end
    print(text)
    return #names > 0 and 0 or 3
  end,
}
dust.command{
  name = "nodeinfo", usage = "nodeinfo <target>", summary = "node fields as JSON", target = "none",
  run = function(args)
    for _, n in ipairs(dust.nodes(args.words[1])) do
      local tags = {}
      for k, v in pairs(n.tags) do tags[#tags + 1] = k .. "=" .. v end
      table.sort(tags)
      dust.print(string.format('{"name": "%s", "id": "%s", "state": "%s", "int_ip": "%s", "address": "%s", ' ..
                               '"vpc": "%s", "subnet": "%s", "type": "%s", "tags": "%s"}',
                               n.name, n.id, n.state, n.int_ip, n.address, n.vpc, n.subnet, n.type,
                               table.concat(tags, ",")))
    end
  end,
}
dust.command{
  name = "counter", summary = "counts its runs in dust.state",
  run = function(args)
    local n = (dust.state.get("runs") or 0) + 1
    dust.state.set("runs", n)
    local seen = dust.state.get("seen") or {}
    seen[#seen + 1] = args.words[1] or "-"
    dust.state.set("seen", seen)
    dust.print("run " .. n .. " seen " .. table.concat(seen, ","))
  end,
}
'''

SHIP = r'''
dust.command{
  name = "ship", usage = "ship <target> <local> <remote dir> <back dir>", summary = "put, cat, get",
  target = "required",
  run = function(args)
    local local_file, remote_dir, back = args.words[1], args.words[2], args.words[3]
    local failed = dust.put(args.target, local_file, remote_dir)
    print("put failed=" .. failed)
    local name = local_file:match("[^/]+$")
    for _, r in ipairs(dust.run(args.target, "cat " .. remote_dir .. "/" .. name)) do
      print("cat " .. r.node .. " " .. tostring(r.exit) .. " " .. (r.lines[1] or ""))
    end
    print("get failed=" .. dust.get(args.target, remote_dir .. "/" .. name, back))
    print("get again failed=" .. dust.get(args.target, remote_dir .. "/" .. name, back))  -- refuses to overwrite
    return 0
  end,
}
'''

FAILING = r'''
local function deeper() error("kaboom " .. tostring(greeting)) end
dust.command{name = "boom", summary = "always fails", run = function(args) deeper() end}
dust.command{name = "badtarget", summary = "asks for a malformed target",
             run = function(args) dust.nodes("worker[5-2]") end}
'''

RUNALL = r'''
dust.command{
  name = "runall", usage = "runall <target> <command...>", summary = "dust.run, one line per result",
  target = "required",
  run = function(args)
    for _, r in ipairs(dust.run(args.target, table.concat(args.words, " "))) do
      print(string.format("result %s state=%s busy=%s exit=%s error=%s lines=%s", r.node, r.state,
                          tostring(r.busy), tostring(r.exit), tostring(r.error), table.concat(r.lines, "|")))
    end
    return 0
  end,
}
'''

BROKEN_SYNTAX = 'dust.command{name = "never", run = function() end\nx = = 1\n'
BROKEN_AT_LOAD = 'dust.command{name = "alsonever", run = function() end}\nlocal n = dust.nodes("*")\n'
BUILTIN = 'dust.command{name = "show", summary = "hijack", run = function() print("hijacked") end}\n'


class Lua(testbed.SandboxTestCase):
    HOSTS = 3  # master, worker0, worker1 have sshd; worker2 runs in moto with no host behind it

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cmd_dir = os.path.join(cls.sandbox.dust_home, "commands")
        os.makedirs(cls.cmd_dir, exist_ok=True)
        for name, text in [("good.lua", GOOD), ("ship.lua", SHIP), ("runall.lua", RUNALL), ("failing.lua", FAILING), ("broken.lua", BROKEN_SYNTAX),
                           ("loaderr.lua", BROKEN_AT_LOAD), ("show.lua", BUILTIN)]:
            with open(os.path.join(cls.cmd_dir, name), "w") as f:
                f.write(text)

    def dust(self, *args, **kw):
        # The shipped examples from the checkout, whatever binary is under test.
        kw.setdefault("DUST_COMMANDS_PATH", os.path.join(REPO, "commands"))
        return super().dust(*args, **kw)

    def test_help_lists_drop_ins_beside_builtins(self):
        r = self.dust("help")
        self.assertEqual(r.rc, 0, r.err)
        for line in ("uptime [target]", "inventory [target] [file|-]", "hello [target] [words...]", "greets the nodes",
                     "counter", "boom"):
            self.assertIn(line, r.out)
        self.assertNotIn("never", r.out)
        self.assertNotIn("alsonever", r.out)
        r = self.dust("help", "hello")
        self.assertIn("usage: hello [target] [words...]", r.out)
        self.assertIn("--loud", r.out)
        self.assertIn("aliases: hi", r.out)

    def test_broken_files_are_reported_by_name_and_skipped(self):
        r = self.dust("hello", "worker*")
        self.assertEqual(r.rc, 0, r.err)
        # One form for every load problem: "name.lua:line: what (skipped: …, full path)".
        self.assertRegex(r.err, r"error: broken\.lua:2: .*\(skipped: the command file " +
                         os.path.join(self.cmd_dir, "broken.lua"))
        self.assertIn("loaderr.lua:2: dust.nodes is", r.err)
        self.assertIn("only available while a command runs", r.err)
        self.assertIn("skipped", r.err)
        r = self.dust("never")
        self.assertNotEqual(r.rc, 0)

    def test_a_builtin_cannot_be_replaced(self):
        r = self.dust("show", "master")
        self.assertEqual(r.rc, 0, r.err)
        self.assertRegex(r.err, r"error: show\.lua:\d+: 'show' is a built-in command \(skipped: the drop-in "
                                r"'show' of " + os.path.join(self.cmd_dir, "show.lua"))
        self.assertNotIn("hijacked", r.out)
        self.assertIn("master", r.out)

    def test_dispatch_target_words_flags_and_alias(self):
        r = self.dust("hello", "worker*", "a", "b")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("hello worker[0-2] words=a+b", r.out)
        r = self.dust("hi", "--loud", "master")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("HELLO MASTER", r.out)
        r = self.dust("hello", "nosuch*")  # handler's own exit status
        self.assertEqual(r.rc, 3)
        r = self.dust("hello", "--bogus")
        self.assertEqual(r.rc, 2)
        self.assertIn("unknown option '--bogus'", r.err)

    def test_nodes_api_reaches_live_inventory(self):
        r = self.dust("nodeinfo", "worker*")
        self.assertEqual(r.rc, 0, r.err)
        got = {o["name"]: o for o in map(json.loads, r.out.splitlines())}
        self.assertEqual(sorted(got), ["worker0", "worker1", "worker2"])
        for name, o in got.items():
            inst = self.sandbox.instance(name)
            self.assertEqual(o["id"], inst.id)
            self.assertEqual(o["int_ip"], inst.ip)
            self.assertEqual(o["address"], inst.ip)  # no public IP in the sandbox subnet
            self.assertEqual((o["vpc"], o["subnet"], o["state"]), (self.sandbox.vpc, self.sandbox.subnet, "running"))
            self.assertIn("role=worker", o["tags"])

    def test_runtime_errors_are_reported_and_the_script_goes_on(self):
        r = self.dust(input="boom\nhello master\nbadtarget\ncounter script\n")
        self.assertNotEqual(r.rc, 0)
        # file:line of the error, the file-local `greeting` of good.lua is not visible here (nil).
        self.assertIn("boom: failing.lua:2: kaboom nil", r.err)
        self.assertIn("hello master", r.out)
        self.assertIn("badtarget: bad target 'worker[5-2]'", r.err)
        self.assertRegex(r.out, r"run \d+ seen")

    def test_state_persists_across_invocations(self):
        state = os.path.join(self.sandbox.dust_home, "state", "counter.json")
        if os.path.exists(state):
            os.remove(state)
        r1 = self.dust("counter", "first")
        self.assertEqual(r1.rc, 0, r1.err)
        self.assertIn("run 1 seen first", r1.out)
        r2 = self.dust("counter", "second")
        self.assertIn("run 2 seen first,second", r2.out)
        with open(state) as f:
            self.assertEqual(json.load(f), {"runs": 2, "seen": ["first", "second"]})

    def test_uptime_over_ssh_folds_nodes_by_load(self):
        r = self.dust("uptime", "master,worker*,db", timeout=90)
        loads = [l for l in r.out.splitlines() if l.startswith("load ")]
        self.assertTrue(loads, r.out + r.err)
        names = ",".join(l.split()[5] for l in loads)  # "load 0.5 (5/15 min a-b) <nodes> ..."
        for n in ("master", "worker0", "worker1"):
            self.assertTrue(n in names or "worker[0-1]" in names, (n, r.out))
        failed = [l for l in r.out.splitlines() if l.startswith("failed: ")]
        # A stopped node is not a failure: named as not running, as `@` does (issue 10, item 16).
        self.assertFalse(any("db" in l for l in failed), r.out)
        self.assertIn("not running: db (stopped)", r.out.splitlines())
        self.assertTrue(any(l.startswith("failed: worker2: ") for l in failed), r.out)  # no sshd behind it
        self.assertEqual(r.rc, 1)  # some nodes failed
        r = self.dust("uptime", "db,worker0", timeout=60)
        self.assertEqual(r.rc, 0, r.out + r.err)  # only a stopped node besides a good one
        self.assertNotIn("failed:", r.out)
        r = self.dust("uptime", "worker[0-1]", timeout=60)
        self.assertEqual(r.rc, 0, r.out + r.err)
        # The hosts share one kernel, but each samples its load at its own moment: equal loads must be
        # folded into one line, different ones give one line each.
        rows = re.findall(r"^load (\d+\.\d)\s+\(5/15 min [\d.]+-[\d.]+\)\s+(\S+)", r.out, re.M)
        self.assertTrue(rows, r.out)
        if len({load for load, _ in rows}) == 1:
            self.assertEqual([names for _, names in rows], ["worker[0-1]"], r.out)
        else:
            self.assertEqual(sorted(names for _, names in rows), ["worker0", "worker1"], r.out)

    def test_run_sends_only_to_idle_shells(self):
        # Issue 10, item 6: a program waiting for input on worker0 does not get uptime's command as its
        # answer; worker0 is reported busy, worker1 answers, and the user's answer still reaches `read`.
        c = self.spawn(timeout=30, DUST_COMMANDS_PATH=os.path.join(REPO, "commands"))
        c.expect(r"dust:\S*\$ ")
        c.sendline('@worker0 echo waiting; read x; echo "x=[$x]"')
        c.expect(r"\[worker0\] waiting")
        c.sendline("uptime worker[0-1]")
        c.expect(r"load \S+\s+\(5/15 min [\d.]+-[\d.]+\)\s+worker1 ")
        c.expect(r"busy: worker0 \(a command is still running there")
        c.expect(r"dust:\S*\$ ")
        c.sendline("runall worker0 hostname")
        c.expect(r"result worker0 state=running busy=true exit=nil error=busy: a command is still running there")
        c.expect(r"dust:\S*\$ ")
        c.sendline("@worker0 my-answer")
        c.expect(r"\[worker0\] x=\[(\S*)\]")
        self.assertEqual(c.match.group(1), "my-answer")
        c.sendline("exit")

    def test_ctrl_c_in_a_lua_command_interrupts_only_its_own_command(self):
        # Issue 10, item 6: the user's job on worker1 was started before the Lua command; Ctrl-C during
        # the Lua command stops the Lua command's `sleep` on worker0 and leaves the user's job running.
        c = self.spawn(timeout=30, DUST_COMMANDS_PATH=os.path.join(REPO, "commands"))
        c.expect(r"dust:\S*\$ ")
        c.sendline("@worker1 echo started; sleep 5; echo user-job-done")
        c.expect(r"\[worker1\] started")
        t0 = time.monotonic()
        c.sendline("runall worker[0-1] sleep 30; echo lua-not-reached")
        time.sleep(1.5)  # the Lua command's sleep runs on worker0
        c.sendintr()
        # Interrupted either before its status came back, or after (the shell's 130 for SIGINT).
        c.expect(r"result worker0 state=running busy=nil (exit=nil error=interrupted|exit=130 error=nil)")
        c.expect(r"result worker1 state=running busy=true")
        self.assertLess(time.monotonic() - t0, 5)
        c.expect(r"\[worker1\] user-job-done", timeout=15)
        self.assertNotIn("lua-not-reached", c.before)
        c.sendline("@worker0 echo still-usable")
        c.expect(r"\[worker0\] still-usable")
        c.sendline("exit")

    def tempdir(self, prefix):
        d = tempfile.mkdtemp(prefix=prefix)
        self.addCleanup(shutil.rmtree, d, ignore_errors=True)
        return d

    def test_put_run_get_from_lua(self):
        work = self.tempdir("dust-ship-")
        src = os.path.join(work, "payload.txt")
        with open(src, "w") as f:
            f.write("payload-42\n")
        back = os.path.join(work, "back")
        os.makedirs(back)
        remote = self.tempdir("dust-remote-")  # hosts share this machine's filesystem
        r = self.dust("ship", "worker[0-1]", src, remote, back, timeout=90)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn("put failed=0", r.out)
        self.assertIn("cat worker0 0 payload-42", r.out)
        self.assertIn("cat worker1 0 payload-42", r.out)
        self.assertIn("get failed=0", r.out)
        self.assertIn("get again failed=2", r.out)
        for node in ("worker0", "worker1"):
            with open(os.path.join(back, node, "payload.txt")) as f:
                self.assertEqual(f.read(), "payload-42\n")

    def test_inventory_writes_ansible_ini_and_remembers_the_file(self):
        out = os.path.join(self.tempdir("dust-inv-"), "hosts.ini")
        r = self.dust("inventory", "worker*", out)
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn(f"wrote {out}: 3 hosts", r.out)
        ini = configparser.ConfigParser(allow_no_value=True, delimiters=(" ",))
        ini.read(out)
        hosts = {h: v for h, v in ini["all"].items()}
        self.assertEqual(sorted(hosts), ["worker0", "worker1", "worker2"])
        w0 = self.sandbox.instance("worker0")
        with open(self.sandbox.ssh_config) as f:  # the user dust's ssh logs in as (the ssh config's User)
            user = re.search(r"User (\S+)", f.read()).group(1)
        self.assertEqual(hosts["worker0"], f"ansible_host={w0.ip} ansible_user={user}")
        self.assertEqual(sorted(ini["tag_role_worker"]), ["worker0", "worker1", "worker2"])
        self.assertEqual(sorted(ini["tag_env_dev"]), ["worker0", "worker1", "worker2"])
        self.assertEqual(sorted(ini["tag_aws_cloudformation_stack_name_nano1"]), ["worker0", "worker1"])
        # No file given: the one from last time (dust.state), now with master only.
        r = self.dust("inventory", "master")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn(f"wrote {out}: 1 hosts", r.out)
        ini = configparser.ConfigParser(allow_no_value=True, delimiters=(" ",))
        ini.read(out)
        self.assertEqual(list(ini["all"]), ["master"])
        r = self.dust("inventory", "web", "-")  # two nodes named web, one running: printed, not written
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("[all]\nweb ansible_host=", r.out)
        self.assertFalse(os.path.exists(out + ".tmp"))

    def test_inventory_shows_the_user_and_port_sessions_use(self):
        # Issue 21: inventory's user and port come from the one ssh config resolver, the same values
        # a session connects with and `ssh -G` prints. Here they are set in an Included file, under a
        # `Match originalhost` block, which dust's former reader lost (it showed the sandbox's user).
        d = self.tempdir("dust-inv-cfg-")
        w0 = self.sandbox.instance("worker0")
        inc = os.path.join(d, "match.conf")
        with open(inc, "w") as f:
            f.write(f"Match originalhost {w0.ip}\n  User alt\n  Port 2222\n")
        cfg = os.path.join(d, "config")
        with open(cfg, "w") as f, open(self.sandbox.ssh_config) as src:
            f.write(f"Include {inc}\n" + src.read())
        ssh = subprocess.run(["ssh", "-F", cfg, "-G", w0.ip], capture_output=True, text=True,
                             stdin=subprocess.DEVNULL)
        want = dict(l.split(" ", 1) for l in ssh.stdout.splitlines() if " " in l)
        self.assertEqual((want["user"], want["port"]), ("alt", "2222"), ssh.stdout)
        r = self.dust("-F", cfg, "inventory", "worker0", "-")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn(f"worker0 ansible_host={w0.ip} ansible_user=alt ansible_port=2222", r.out)
        # `ssh-config @target` prints the same values, one block per node.
        r = self.dust("-F", cfg, "ssh-config", "@worker0,worker1")
        self.assertEqual(r.rc, 0, r.err)
        blocks = r.out.split("\n\n")
        self.assertEqual([b.splitlines()[0] for b in blocks], ["# worker0", "# worker1"], r.out)
        self.assertIn("\nuser alt\n", blocks[0])
        self.assertIn("\nport 2222\n", blocks[0])
        self.assertNotIn("\nport 2222\n", blocks[1])

    def test_inventory_lone_file_word_is_the_file_not_the_target(self):
        # `inventory -` and `inventory hosts.ini` (usage: [target] [file|-]) mean every running node.
        r = self.dust("inventory", "-")
        self.assertEqual(r.rc, 0, r.err)
        for node in ("master", "worker0", "worker1", "worker2"):
            self.assertRegex(r.out, rf"(?m)^{node} ansible_host=")
        out = os.path.join(self.tempdir("dust-inv-"), "all.ini")
        r = self.dust("inventory", out)
        self.assertEqual(r.rc, 0, r.err)
        self.assertRegex(r.out, rf"wrote {re.escape(out)}: \d+ hosts")
        # A word that selects nodes stays the target, even with a dot in it; one that looks like
        # neither a file nor a node is still a target that matches nothing.
        r = self.dust("inventory", "nosuchnode")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("nosuchnode", r.out + r.err)


if __name__ == "__main__":
    testbed.main()
