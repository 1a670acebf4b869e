# @, put and get: what is decided before any connection (no node is contacted here).
$ @db hostname
skipping 1 node not running: db
error: no running node matches 'db'
[exit 1]
$ @nosuch[ hostname
error: bad target 'nosuch[': unclosed '[' in 'nosuch['
[exit 1]
$ @web(i-00000000000000005) hostname
error: no running node matches 'web(i-00000000000000005)'
[exit 1]
$ put
error: usage: put [-r] <target> <local...> [remote dir]
[exit 1]
$ put db data/sample1.yaml /tmp
skipping 1 node not running: db
error: no running node matches 'db'
[exit 1]
$ get
error: usage: get [-r] [-f] [-s] <target> <remote path or glob> [local dir]
[exit 1]
$ get db /etc/hostname
skipping 1 node not running: db
error: no running node matches 'db'
[exit 1]
