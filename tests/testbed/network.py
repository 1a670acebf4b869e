"""The host network inside the client namespace: a bridge, and one namespace + veth per ssh host."""
import ipaddress
import os

from . import procs


def pick_subnet(pid=None):
    """10.231.X.0/24 with X from the pid: runs are already apart in their own namespaces, and distinct
    subnets keep logs and the non-isolated case unambiguous too. 10.231.200+ is for bulk instances."""
    x = 20 + (pid or os.getpid()) % 180
    return f"10.231.{x}.0/24"


def _ip_batch(cmds, ns=None):
    # One `ip -batch` process instead of one per command: host setup cost is mostly process startup.
    procs.run(["ip", *(["-n", ns] if ns else []), "-batch", "-"], input="\n".join(cmds) + "\n")


class Bridge:
    """Bridge `dustbr` with <subnet>.1 in the current (client) namespace; hosts hang off it."""

    def __init__(self, cidr, ns_prefix):
        self.net = ipaddress.ip_network(cidr)
        self.cidr = cidr
        self.ns_prefix = ns_prefix
        self.gateway = str(self.net.network_address + 1)
        self.name = "dustbr"
        self._count = 0
        _ip_batch([f"link add {self.name} type bridge",
                   f"addr add {self.gateway}/{self.net.prefixlen} dev {self.name}",
                   f"link set {self.name} up"])

    def add_host(self, ip):
        """A fresh namespace with `ip` on eth0, wired to the bridge. Returns (namespace, bridge-side veth)."""
        i = self._count
        self._count += 1
        ns, veth = f"{self.ns_prefix}-h{i}", f"vh{i}"
        procs.run(["ip", "netns", "add", ns])
        _ip_batch([f"link add {veth} type veth peer name eth0 netns {ns}",
                   f"link set {veth} master {self.name} up"])
        _ip_batch([f"addr add {ip}/{self.net.prefixlen} dev eth0", "link set eth0 up", "link set lo up"], ns)
        return ns, veth

    def link(self, veth, up):
        procs.run(["ip", "link", "set", veth, "up" if up else "down"])
