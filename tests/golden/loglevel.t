$ loglevel
loglevel info
$ loglevel debug
$ loglevel info
$ loglevel loud
error: unknown log level 'loud' (use info or debug)
[exit 1]
