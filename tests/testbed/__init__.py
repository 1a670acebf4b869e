"""dust's testbed: moto in auth mode, a seeded EC2 inventory and real sshd hosts, isolated in a network namespace.

Typical e2e test module:
    import testbed
    class T(testbed.SandboxTestCase):
        def test_show(self):
            rc, out, err = self.dust("show")
            ...
    if __name__ == "__main__":
        testbed.main()
"""
from .isolation import isolate, current_ns
from .sandbox import Sandbox
from .seed import SEED, Row, STACK
from .harness import run_dust, spawn_dust, dust_bin, sha256_of, SandboxTestCase, Result, main

__all__ = ["isolate", "current_ns", "Sandbox", "SEED", "Row", "STACK", "run_dust", "spawn_dust", "dust_bin",
           "SandboxTestCase", "Result", "main"]
