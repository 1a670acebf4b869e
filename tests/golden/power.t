# start / stop / terminate: confirmations, --yes, states, bad targets change nothing.
$ stop worker2
worker2 (i-00000000000000003): running -> stopped
$ show worker2
Name         Instance     State        ID                   ext_IP          int_IP

worker2      t2.micro     stopped      i-00000000000000003                  10.231.5.14
$ start worker2
worker2 (i-00000000000000003): stopped -> running
$ show worker2
Name         Instance     State        ID                   ext_IP          int_IP

worker2      t2.micro     running      i-00000000000000003                  10.231.5.14
$ stop
< n
Name                      Instance     State        ID                   ext_IP          int_IP

master                    t2.small     running      i-00000000000000000                  10.231.5.11
worker0                   t2.micro     running      i-00000000000000001                  10.231.5.12
worker1                   t2.micro     running      i-00000000000000002                  10.231.5.13
worker2                   t2.micro     running      i-00000000000000003                  10.231.5.14
web(i-00000000000000004)  t2.micro     running      i-00000000000000004                  10.231.5.15
                          t2.micro     running      i-00000000000000007                  10.231.5.18
stop 6 nodes: i-00000000000000007,master,web(i-00000000000000004),worker[0-2]. Continue [y/N] n
cancelled, nothing changed
[exit 1]
$ stop db
no running node matches 'db'
$ terminate db
< n
Name         Instance     State        ID                   ext_IP          int_IP

db           t2.medium    stopped      i-00000000000000006                  10.231.5.17
terminate 1 node: db. Continue [y/N] n
cancelled, nothing changed
[exit 1]
$ show db
Name         Instance     State        ID                   ext_IP          int_IP

db           t2.medium    stopped      i-00000000000000006                  10.231.5.17
$ terminate db
< y
Name         Instance     State        ID                   ext_IP          int_IP

db           t2.medium    stopped      i-00000000000000006                  10.231.5.17
terminate 1 node: db. Continue [y/N] y
db (i-00000000000000006): stopped -> terminated
$ show db
Name         Instance     State        ID                   ext_IP          int_IP

db           t2.medium    terminated   i-00000000000000006                  10.231.5.17
$ stop --yes db
no running node matches 'db'
$ start nosuch[
start: bad target 'nosuch[': unclosed '[' in 'nosuch['
usage: start [--wait] [-y] [target]
[exit 2]
$ stop --bogus worker0
stop: unknown option '--bogus'
usage: stop [--wait] [-y] [target]
[exit 2]
