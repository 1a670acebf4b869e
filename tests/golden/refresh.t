# refresh fetches again and shows.
$ refresh worker[0-1]
Name         Instance     State        ID                   ext_IP          int_IP

worker0      t2.micro     running      i-00000000000000001                  10.231.5.12
worker1      t2.micro     running      i-00000000000000002                  10.231.5.13
$ refresh nosuch
no nodes match 'nosuch'
[exit 1]
