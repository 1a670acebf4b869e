# @, put and get: what is decided before any connection (no node is contacted here).
$ @db hostname
skipping 1 node not running: db
error: no running node matches 'db'
[exit 1]
$ @nosuch[ hostname
@: bad target 'nosuch[': unclosed '[' in 'nosuch['
usage: @[target] [command]
[exit 2]
$ @web(i-00000000000000005) hostname
skipping 1 node not running: web(i-00000000000000005)
error: no running node matches 'web(i-00000000000000005)'
[exit 1]
$ put
put: a target is required
usage: put [-r] <target> <local...> [remote dir | remote path]
[exit 2]
$ put db data/sample1.yaml /tmp
skipping 1 node not running: db
error: no running node matches 'db'
[exit 1]
$ get
get: a target is required
usage: get [-r] [-f] [-s] <target> <remote path or glob> [local dir]
[exit 2]
$ get db /etc/hostname
skipping 1 node not running: db
error: no running node matches 'db'
[exit 1]
$ intr
no command running on any node
[exit 1]
$ intr db extra
intr: unexpected argument 'extra'
usage: intr [target]
[exit 2]
