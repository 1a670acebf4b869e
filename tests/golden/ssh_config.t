# ssh-config: a literal host is resolved as `ssh -G` would, with no AWS call; what ssh refuses is refused.
$ ssh-config
ssh-config: needs 1 argument
usage: ssh-config HOST...|@target
[exit 2]
$ ssh-config a,b
error: ssh-config: hostname contains invalid characters
[exit 1]
$ ssh-config @nosuch
no nodes match 'nosuch'
[exit 1]
$ ssh-config @web one
ssh-config: one @target, or host names
usage: ssh-config HOST...|@target
[exit 2]
