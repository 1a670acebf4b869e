# help lists every command from the table; help CMD and ?CMD show one.
$ help
dust commands (help CMD for details):
  help [command]                       list commands, or show one command's usage
  show [-v] [target]                   list nodes: Name Instance State ID ext_IP int_IP
  showex [target]                      list nodes with details (= show -v)
  refresh [target]                     fetch the nodes again from the cloud and show them
  start [--wait] [-y] [target]         start stopped nodes (no target = every stopped node, without asking)
  stop [--wait] [-y] [target]          stop nodes (no target = every node, after confirmation)
  terminate [--wait] [-y] [target]     terminate nodes after showing them and asking Continue [y/N]
  tag <target> key=value[,key2=value2] add or change tags on nodes (keys starting aws: are refused)
  untag <target> key[,key2]            remove tags from nodes (keys starting aws: are refused)
  use [<cluster>|<region>|cluster <name>|region <r>]
                                       switch the working set to a cluster or a region; no argument lists them
  assign <filter> [name] [user=<ssh user>] [--yes]
                                       save the nodes a filter selects as a named cluster with friendly names
  cluster list | create <spec.yaml> [--yes] [--wait] | status [name] [--wait] | delete <name> [--yes]
                                       list, create, follow and delete clusters
  load <spec.yaml> [--yes] [--wait]    create a cluster from a YAML spec with CloudFormation
  status [name] [--wait]               CloudFormation events and status of a cluster made by load
  loglevel [info|debug]                show or set log verbosity
  logdir [DIR|off]                     record per-node transcripts in DIR (off: stop), or show where
  cd [DIR|-]                           change dust's local working directory (HOME without DIR, - the previous one)
  exit                                 leave dust (Ctrl-D too)
  put [-r] <target> <local...> [remote dir | remote path]
                                       upload files to nodes in parallel over ssh (atomic: temp name, then rename)
  get [-r] [-f] [-s] <target> <remote path or glob> [local dir]
                                       download a file from each node in parallel over ssh to <dir>/<node>/<file>
  @[target] [command]                  run a command in each node's persistent shell; one node and no command: raw shell
  @@[target] command                   run a command like @, output gathered: identical nodes print once
  output [gather|live|diff on|diff off]
                                       show or set how @ prints node output: live lines or gathered groups
  intr [target]                        interrupt (Ctrl-C) the commands still running on nodes (no target = all of them)
  secgroup [target] | allow|revoke …   show security groups and ingress rules of nodes; allow or revoke ingress
  hostkeys [target]                    list the host keys known_hosts holds for nodes (type, SHA256 fingerprint)
  ssh-config HOST...|@target           the effective ssh settings for a host or nodes, as `ssh -G` prints them
  detach                               leave dust with the server and every session running (Ctrl-\ twice too)
  replay [target]                      show again what nodes printed while no dust was attached to the server

Targets: name globs (worker*), ranges (worker[0-3,7]), key=value (state=running), tags=key:value,
unions (master,worker*) and exclusions (!worker3); :failed and :ok are the nodes where the last
@, @@, put or get failed or succeeded. Anything else runs in the local shell; !cmd forces it.
$ help show
usage: show [-v] [target]
  list nodes: Name Instance State ID ext_IP int_IP
  -v, --verbose    add detail lines (same as showex)

With -v (or showex) each node gets detail lines: image, hostname, key, DNS, tags,
launch_time, vpc:subnet, groups.
$ ?tag
usage: tag <target> key=value[,key2=value2]
  add or change tags on nodes (keys starting aws: are refused)
$ help nosuch
error: no such command 'nosuch' (type help for the list)
[exit 1]
