"""E2E: outcomes that are always true (issue 21): a line is kept whole up to 1 MiB and a longer one is
cut at 1 MiB; a line ending in CR LF shows its text (no `\\x0d`) and a progress bar its last state;
colour from a node reaches a terminal only (a pipe gets none); put/get JSON records are data."""
import json
import os

import testbed


class Outcomes(testbed.SandboxTestCase):
    HOSTS = 2  # master, worker0 answer ssh

    def test_a_long_line_is_kept_whole_up_to_a_mebibyte(self):
        # 300,000 bytes: one line (it was cut every 8,192 bytes); 1,100,000: cut once, at 1 MiB.
        r = self.dust("@worker0", "head -c 300000 /dev/zero | tr '\\0' a; echo; "
                      "head -c 1100000 /dev/zero | tr '\\0' b; echo", timeout=60)
        self.assertEqual(r.rc, 0, r.err[-500:])
        lines = [l[len("[worker0] "):] for l in r.out.splitlines() if l.startswith("[worker0] ")]
        self.assertEqual([len(l) for l in lines], [300000, 1 << 20, 1100000 - (1 << 20)])
        self.assertEqual(set(lines[0]), {"a"})

    def test_carriage_returns_show_what_a_terminal_would(self):
        r = self.dust("@worker0", "printf 'dos line\\r\\n10%%\\r50%%\\rdone\\n'")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("[worker0] dos line\n[worker0] done\n", r.out)
        self.assertNotIn("\\x0d", r.out)

    def test_colour_reaches_a_terminal_only(self):
        cmd = "printf '\\033[31mred\\033[0m plain\\n'"
        r = self.dust("@worker0", cmd)  # stdout a pipe
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("[worker0] red plain\n", r.out)
        self.assertNotIn("\x1b", r.out)
        t = self.dust_tty("@worker0", cmd, TERM="xterm", NO_COLOR="")  # the sandbox sets NO_COLOR
        self.assertIn("\x1b[31mred\x1b[0m plain", t.out)

    def test_transfer_json_records_are_data(self):
        d = os.path.join(self.sandbox.dir, "outcomes")
        os.makedirs(d, exist_ok=True)
        src = os.path.join(d, "five.txt")
        with open(src, "w") as f:
            f.write("12345")
        r = self.dust("--json", "put", "worker0", src, "/tmp/five-copy.txt")
        self.assertEqual(r.rc, 0, r.err)
        recs = [json.loads(l) for l in r.out.splitlines()]
        self.assertEqual({k: v for k, v in recs[0].items() if k != "seconds"},
                         {"node": "worker0", "op": "put", "source": src,
                          "destination": "/tmp/five-copy.txt", "files": 1, "bytes": 5})
        self.assertEqual(recs[1], {"node": "worker0", "exit": 0})
        r = self.dust("--json", "get", "worker0", "/tmp/five-copy.txt", d + "/")
        recs = [json.loads(l) for l in r.out.splitlines()]
        self.assertEqual((recs[0]["op"], recs[0]["bytes"], recs[0]["destination"]),
                         ("get", 5, os.path.join(d, "worker0", "five-copy.txt")))


if __name__ == "__main__":
    testbed.main()
