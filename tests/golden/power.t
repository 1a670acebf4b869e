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
no nodes match 'db'
[exit 1]
$ start nosuch[
start: bad target 'nosuch[': unclosed '[' in 'nosuch['
usage: start [--wait] [-y] [target]
[exit 2]
$ stop --bogus worker0
stop: unknown option '--bogus'
usage: stop [--wait] [-y] [target]
[exit 2]
