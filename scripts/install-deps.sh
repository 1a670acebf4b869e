#!/usr/bin/env bash
# Installs dust's build and test dependencies from Debian packages, only when something is missing.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libssh-dev libcurl4-openssl-dev libssl-dev libpugixml-dev
      nlohmann-json3-dev libyaml-cpp-dev libfmt-dev libcli11-dev libreadline-dev liblua5.4-dev libre2-dev
      libgtest-dev libgmock-dev libarchive-dev clang-14 clang-format libfuzzer-14-dev libclang-rt-14-dev
      openssh-server openssh-client iproute2 procps tmux zsh pdsh clustershell pssh sudo man-db dpkg-dev
      ansible-core   # ansible-inventory: the e2e judge of the inventory command's INI
      ccache)        # rebuilds (several checkouts, the sanitized build, CI on the same machine) share objects
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The testbed's Python side: moto_server, boto3 (seeding), pexpect (pty tests), cfn-lint.
for mod in moto boto3 pexpect cfnlint; do
  python3 -c "import $mod" 2>/dev/null || { echo "install-deps: python module '$mod' is missing (pip install moto[server] boto3 pexpect cfn-lint)" >&2; exit 1; }
done
command -v moto_server >/dev/null || { echo "install-deps: moto_server not on PATH" >&2; exit 1; }
