#!/usr/bin/env python3
"""Writes the ssh_config differential corpus (tests/data/ssh_config_corpus/*.conf).

Each file starts with `# hosts: h1 h2 ...`: the host names resolved by both `ssh -G` and
`dust ssh-config`. @DIR@ in a file is replaced by the corpus directory's copy at test time and
@REL@ by a directory relative to ~/.ssh (Include's relative paths). Run it again after editing
the cases below; the generated mixes are deterministic (fixed seed)."""
import os
import random
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "ssh_config_corpus")

CASES = {
    # --- the cases ---
    "neg-star-bastion": ("web bastion BASTION db.example.com",
                         "Host * !bastion\n  User deploy\n  ProxyJump bastion\n"),
    "neg-ten-net": ("10.0.0.1 10.0.0.2 10.1.2.3 11.0.0.1",
                    "Host 10.* !10.0.0.1\n  ProxyJump 10.0.0.1\n  User ec2-user\n"),
    "neg-ten-net-user-jump": ("10.0.0.1 10.0.0.9 10.9.9.9",
                              "Host 10.* !10.0.0.1\n  ProxyJump admin@10.0.0.1:2222\nHost 10.0.0.1\n"
                              "  User admin\n  Port 2222\n"),
    "neg-first-wins": ("a b c", "Host !a *\n  User notA\nHost *\n  User other\n"),
    "neg-only": ("a b", "Host !a\n  User never\n"),
    "include-strict": ("h1 h2", "Include @DIR@/inc/strict.conf\nHost *\n  StrictHostKeyChecking no\n"),
    "include-timeout": ("h1", "Include @DIR@/inc/timeout.conf\nConnectTimeout 99\n"),
    "include-jump": ("web 10.0.0.5", "Include @DIR@/inc/jump.conf\n"),
    "include-glob": ("h x", "Include @DIR@/inc/*.conf\n"),
    "include-relative": ("h web", "Include @REL@/strict.conf @REL@/jump.conf\n"),
    "include-relative-glob": ("h web", "Include @REL@/*.conf\n"),
    "include-in-host": ("web db", "Host web\n  Include @DIR@/inc/port.conf\nHost *\n  Port 2022\n"),
    "include-match-no-leak": ("web db", "Host web\n  Include @DIR@/inc/match-db.conf\n  User afterinclude\n"),
    "include-missing": ("h", "Include @DIR@/inc/nonexistent-*.conf\nUser ok\n"),
    "include-several-args": ("h", "Include @DIR@/inc/timeout.conf @DIR@/inc/strict.conf\n"),
    "include-nested": ("h web", "Include @DIR@/inc/nested.conf\n"),
    "include-loop": ("h", "Include @DIR@/inc/loop.conf\n"),
    "hostname-no-rematch": ("short real.example.com",
                            "Host short\n  Hostname real.example.com\nHost real.example.com\n  User real\n"
                            "Host *\n  Port 2200\n"),
    "match-originalhost": ("short other",
                           "Host short\n  Hostname long.example.com\nMatch originalhost short\n  User orig\n"
                           "Match host long.example.com\n  Port 4444\n"),
    "match-host-after-hostname": ("a b", "Host a\n  Hostname b.internal\nMatch host *.internal\n  User internal\n"),
    "match-user": ("bob@h alice@h h", "Match user bob\n  Port 1111\nMatch user alice,carol\n  Port 2222\n"),
    "match-user-config": ("h g", "Host h\n  User deploy\nMatch user deploy\n  Port 3333\n"),
    "match-localuser": ("h", "Match localuser root\n  User wasroot\nMatch localuser !root\n  User notroot\n"),
    "match-exec": ("yes no", "Match exec \"test %h = yes\"\n  User execyes\nHost *\n  User execno\n"),
    "match-exec-tokens": ("web", "Match exec \"test %n = web -a %p = 22 -a %r = root -a %u = root\"\n  Port 5555\n"),
    "match-exec-false": ("h", "Match exec false\n  User never\nMatch exec true\n  User always\n"),
    "match-final": ("h other", "Match final host h\n  User finaluser\nHost h\n  Hostname h.example\n"),
    "match-final-rehost": ("alias", "Host alias\n  Hostname real.example\nMatch final\n  User fin\n"
                           "Host real.example\n  Port 7777\n"),
    "match-canonical": ("h", "Match canonical\n  User canon\nMatch !canonical\n  Port 8888\n"),
    "match-canonical-final-pass": ("h", "Match final\n  ConnectTimeout 5\nMatch canonical\n  User c\n"),
    "match-negated": ("a b", "Match !host a\n  User nota\n"),
    "match-all": ("a", "Match all\n  User everyone\n"),
    "match-all-comment": ("a", "Match all # comment\n  User everyone\n"),
    "match-multi": ("web1 web2 db", "Match host web* originalhost !web2\n  User web\n"),
    "match-host-list": ("a b c", "Match host a,b,!b\n  User ab\n"),
    "match-quoted": ("a b", "Match host \"a\"\n  User qa\n"),
    "canonical-fallback": ("h", "CanonicalizeHostname yes\nCanonicalDomains nonexistent.invalid\n"
                           "Host h\n  User fallback\n"),
    "canonical-no-fallback": ("h", "CanonicalizeHostname yes\nCanonicalDomains nonexistent.invalid\n"
                              "CanonicalizeFallbackLocal no\n"),
    "canonical-maxdots": ("a.b.c h", "CanonicalizeHostname yes\nCanonicalizeMaxDots 0\n"
                          "CanonicalDomains nonexistent.invalid\n"),
    "canonical-jump-skips": ("h", "CanonicalizeHostname yes\nCanonicalDomains nonexistent.invalid\n"
                             "CanonicalizeFallbackLocal no\nProxyJump j\n"),
    # --- tokens ---
    "tokens-hostname": ("web db", "Host *\n  Hostname %h.example.com\n"),
    "tokens-hostname-percent": ("w", "Hostname a%%b\n"),
    "tokens-hostname-bad": ("w", "Hostname %z\n"),
    "tokens-known-hosts": ("web user@db", "UserKnownHostsFile ~/.ssh/kh_%h_%p_%r_%n_%u_%i_%d_%k\n"),
    "tokens-known-hosts-C": ("web", "UserKnownHostsFile /tmp/kh_%C_%l_%L\n"),
    "tokens-identityfile": ("web", "IdentityFile ~/.ssh/%h_%r\nIdentityFile %d/key\n"),
    "tokens-identityagent": ("web", "IdentityAgent ~/.ssh/agent.%h.%u\n"),
    "tokens-env": ("web", "UserKnownHostsFile ${HOME}/kh\n"),
    "tokens-env-missing": ("web", "UserKnownHostsFile ${DUST_CORPUS_UNSET_VARIABLE}/kh\n"),
    "tokens-trailing-percent": ("web", "UserKnownHostsFile /tmp/kh%\n"),
    "tokens-hostname-h-in-match": ("x", "Hostname %h.lan\nMatch host x.lan\n  User lan\n"),
    # --- IdentityFile order ---
    "identity-order": ("h", "IdentityFile ~/.ssh/first\nIdentityFile ~/.ssh/second\nIdentityFile ~/.ssh/third\n"),
    "identity-dupes": ("h", "IdentityFile ~/.ssh/a\nIdentityFile ~/.ssh/b\nIdentityFile ~/.ssh/a\n"),
    "identity-blocks": ("web db", "Host web\n  IdentityFile ~/.ssh/web\nHost *\n  IdentityFile ~/.ssh/all\n"),
    "identity-defaults": ("h", "User x\n"),
    "identity-quoted": ("h", "IdentityFile \"~/.ssh/with space\"\n"),
    "identity-only": ("h", "IdentitiesOnly yes\nIdentityFile ~/.ssh/only\n"),
    "certificate-file": ("h", "CertificateFile ~/.ssh/c1-cert.pub\nCertificateFile ~/.ssh/c2-cert.pub\n"),
    # --- Host patterns ---
    "comma-in-host": ("a b a,b", "Host a,b\n  User comma\n"),
    "brackets-in-host": ("web1 web[12] web", "Host web[12]\n  User bracket\n"),
    "quoted-patterns": ("web1 db 1", "Host \"web*\" \"db 1\"\n  User quoted\n"),
    "question-mark": ("192.168.0.1 192.168.0.12", "Host 192.168.0.?\n  User lan\n"),
    "star-middle": ("a.co.uk b.com", "Host *.co.uk\n  User uk\n"),
    "case-sensitive-host": ("Web web", "Host web\n  User lower\n"),
    "several-patterns": ("x y z", "Host x y\n  User xy\nHost *\n  User rest\n"),
    "empty-host-quoted": ("h", "Host \"\"\n  User empty\n"),
    # --- StrictHostKeyChecking forms ---
    **{f"strict-{v}": ("h", f"StrictHostKeyChecking {v}\n")
       for v in ["yes", "true", "no", "false", "off", "ask", "accept-new", "YES", "Accept-New"]},
    "strict-bad": ("h", "StrictHostKeyChecking maybe\n"),
    "strict-first-wins": ("h", "Host h\n  StrictHostKeyChecking yes\nHost *\n  StrictHostKeyChecking no\n"),
    # --- ConnectTimeout ---
    **{f"timeout-{n}": ("h", f"ConnectTimeout {v}\n")
       for n, v in [("10", "10"), ("1m", "1m"), ("1h30m", "1h30m"), ("none", "none"), ("bad", "ten"), ("0", "0")]},
    # --- ProxyJump / ProxyCommand ---
    "jump-chain": ("h", "ProxyJump a@j1:2201,j2,[10.0.0.3]:22\n"),
    "jump-none": ("h", "ProxyJump none\nProxyJump j\n"),
    "jump-then-command": ("h", "ProxyJump j\nProxyCommand nc %h %p\n"),
    "command-then-jump": ("h", "ProxyCommand nc %h %p\nProxyJump j\n"),
    "command-none": ("h", "ProxyCommand none\nProxyCommand nc %h %p\n"),
    "jump-uri": ("h", "ProxyJump ssh://u@j:2022\n"),
    "jump-bad": ("h", "ProxyJump a@@b:x\n"),
    "jump-loop": ("j", "ProxyJump j\n"),
    "jump-comment": ("h", "ProxyJump j # the bastion\n"),
    "jump-ipv6": ("h", "ProxyJump [::1]:2222\n"),
    "command-quoted": ("h", "ProxyCommand ssh -W \"%h:%p\" bastion # not a comment\n"),
    # --- syntax ---
    "equals-syntax": ("h", "User=bob\nPort = 2022\nHostname=\"target.example\"\n"),
    "tabs-and-case": ("h", "hOsT\th\n\tuSeR\ttabbed\n\tPORT\t2\n"),
    "crlf": ("h", "Host h\r\n  User crlf\r\n  Port 2323\r\n"),
    "comments": ("h", "# comment\n  # indented comment\nHost h # trailing\n  User c # trailing comment\n\n"),
    "quoted-user": ("h", "User \"quoted user\"\n"),
    "unbalanced-quote": ("h", "User \"oops\n"),
    "extra-args": ("h", "User a b\n"),
    "missing-arg": ("h", "User\n"),
    "unknown-keyword": ("h", "NoSuchOption yes\n"),
    "ignore-unknown": ("h", "IgnoreUnknown NoSuch*,Other\nNoSuchOption yes\nUser ok\n"),
    "ignore-unknown-after": ("h", "NoSuchOption yes\nIgnoreUnknown NoSuch*\n"),
    "bad-port-inactive": ("h", "Host other\n  Port 70000\n"),
    "port-service": ("h", "Port ssh\n"),
    "match-no-criteria": ("h", "Match\n"),
    "match-bad-criteria": ("h", "Match sometimes\n"),
    "match-all-plus": ("h", "Match all host h\n  User x\n"),
    "deprecated-ok": ("h", "Protocol 2\nUseRoaming no\nUser dep\n"),
    "user-at-host": ("bob@h", "Host h\n  User configuser\n"),
    "keyword-with-equals-space": ("h", "User = spaced\n"),
    # --- not applied by dust (warned), still resolved alike ---
    "sendenv-setenv": ("h", "SendEnv LANG LC_*\nSendEnv TZ\nSetEnv A=1 B=2\nSetEnv C=3\n"),
    "server-alive": ("h", "ServerAliveInterval 1m\nServerAliveCountMax 5\n"),
    "hostkeyalias": ("h", "HostKeyAlias MyAlias\n"),
    "batchmode": ("h", "BatchMode yes\n"),
    "known-hosts-several": ("h", "UserKnownHostsFile ~/.ssh/kh1 ~/.ssh/kh2 /etc/kh3\n"),
    "known-hosts-none": ("h", "UserKnownHostsFile none\n"),
    "known-hosts-none-plus": ("h", "UserKnownHostsFile none ~/.ssh/x\n"),
    "identityagent-forms": ("a b c d", "Host a\n  IdentityAgent none\nHost b\n  IdentityAgent SSH_AUTH_SOCK\n"
                            "Host c\n  IdentityAgent $MY_AGENT\nHost d\n  IdentityAgent ~/agent.sock\n"),
    # --- ssh_config(5) examples ---
    "man-example-basic": ("foo.co.uk bar 192.168.0.5",
                          "Host *.co.uk\n  ForwardAgent yes\n  User uk\nHost 192.168.0.?\n  User lan\n"
                          "Host *\n  SendEnv LANG LC_*\n  HashKnownHosts yes\n  GSSAPIAuthentication yes\n"),
    "man-example-proxycommand": ("h", "ProxyCommand /usr/bin/nc -X connect -x 192.0.2.0:8080 %h %p\n"),
    "man-example-cnames": ("h", "CanonicalizePermittedCNAMEs *.a.example.com:*.b.example.com,*.c.example.com\n"),
    "man-example-localforward": ("h", "LocalForward 8080 localhost:80\nRemoteForward 9090 localhost:90\n"
                                 "DynamicForward 1080\n"),
    "man-example-controlpath": ("h", "ControlPath ~/.ssh/cm-%C\nControlMaster auto\nControlPersist 10m\n"),
    "man-example-match-exec": ("h", "Match exec \"true\" host h\n  User matched\n"),
    # --- corners ---
    "host-no-arg": ("h", "Host\n  User x\n"),
    "match-host-no-arg": ("h", "Match host\n  User x\n"),
    "hostname-upper": ("h", "Hostname TARGET.Example.COM\n"),
    "hostname-address": ("h", "Hostname 10.1\n"),
    "hostname-ipv6": ("h", "Hostname ::0:1\n"),
    "port-zero": ("h", "Port 0\n"),
    "user-percent": ("h", "User %u_%h\n"),
    "hash-in-pattern": ("a#b a", "Host a#b\n  User hash\n"),
    "whitespace-lines": ("h", "   \n\t\nHost h\n \n  User ws\n"),
    "match-exec-C": ("h", "Match exec \"test -n %C\"\n  User hashed\n"),
    "match-user-after-host-user": ("h", "Host h\n  User deploy\nMatch user deploy host h\n  Port 4242\n"),
    "match-originalhost-case": ("Web web", "Match originalhost web\n  User lowered\n"),
    "match-host-case": ("WEB", "Match host web\n  User lowered\n"),
    "include-in-false-match": ("h", "Match host nothere\n  Include @DIR@/inc/strict.conf\nUser top\n"),
    "include-top-then-host": ("web", "Include @DIR@/inc/jump.conf\nHost web\n  User w\n"),
    "equals-quoted": ("h", "User=\"eq\"\nHostname = \"x.example\"\n"),
    "jump-spaces": ("h", "ProxyJump   j1 ,j2\n"),
    "jump-trailing": ("h", "ProxyJump j1   \n"),
    "timeout-per-host": ("a b", "Host a\n  ConnectTimeout 2\nHost *\n  ConnectTimeout 30\n"),
    "identity-tilde-user": ("h", "IdentityFile ~root/.ssh/k\n"),
    "known-hosts-tilde-user": ("h", "UserKnownHostsFile ~root/kh\n"),
    "backslash-escape": ("h", "User a\\ b\n"),
    "single-quotes": ("h", "User 'single q'\n"),
    "man-example-include": ("h", "Include @DIR@/inc/timeout.conf\nHost *\n  User after\n"),
}

INCLUDES = {
    "strict.conf": "StrictHostKeyChecking yes\n",
    "timeout.conf": "ConnectTimeout 3\n",
    "jump.conf": "Host web 10.*\n  ProxyJump jumper\n",
    "port.conf": "Port 2200\n",
    "match-db.conf": "Match host db\n  User fromdb\n",
    "nested.conf": "Include @DIR@/inc/jump.conf\nUser nested\n",
    "loop.conf": "Include @DIR@/inc/loop.conf\n",
}

BLOCKS = [
    "Host {a}\n  User u_{a}\n", "Host {a} !{b}\n  Port 2{n}\n", "Host *\n  ConnectTimeout {n}\n",
    "Match host {a}\n  IdentityFile ~/.ssh/id_{a}\n", "Match originalhost {b}\n  Hostname {b}.real\n",
    "Host {b}\n  ProxyJump j{n}\n", "Host *.real\n  User real\n", "Match user u_{a}\n  Port 3{n}\n",
    "Host {a},{b}\n  User comma\n", "Host {b}*\n  StrictHostKeyChecking {s}\n",
    "Match !host {a}\n  IdentityFile ~/.ssh/not_{a}\n", "IdentityFile ~/.ssh/g{n}\n",
    "Host *\n  Hostname %h.{a}\n", "Match final host *.real\n  User finalreal\n",
    "Host {a}\n  UserKnownHostsFile ~/.ssh/kh_%h %d/kh2_%r\n",
]
NAMES = ["web", "db", "cache", "10.0.0.1", "10.0.1.2", "bastion", "app1"]
STRICT = ["yes", "no", "accept-new", "ask", "true", "off"]


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(os.path.join(OUT, "inc"))
    for name, text in INCLUDES.items():
        with open(os.path.join(OUT, "inc", name), "w") as f:
            f.write(text)
    cases = dict(CASES)
    rng = random.Random(21)
    for i in range(40):
        text = ""
        for _ in range(rng.randint(2, 6)):
            a, b = rng.sample(NAMES, 2)
            text += rng.choice(BLOCKS).format(a=a, b=b, n=rng.randint(1, 9), s=rng.choice(STRICT))
        hosts = " ".join(rng.sample(NAMES, 4))
        cases[f"mix-{i:02d}"] = (hosts, text)
    for i, (name, (hosts, text)) in enumerate(sorted(cases.items())):
        with open(os.path.join(OUT, f"{name}.conf"), "w", newline="") as f:
            f.write(f"# hosts: {hosts}\n" + text)
    print(f"{len(cases)} configs in {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
