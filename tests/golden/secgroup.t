# secgroup: show groups of nodes, allow and revoke ingress.
$ secgroup worker0
sg-00000001  default  vpc-00000001  nodes: worker0
  proto  ports        sources
  tcp    22           0.0.0.0/0
$ secgroup allow sg-00000001 tcp 8080 10.0.0.0/8
< y
allow tcp 8080 from 10.0.0.0/8 on sg-00000001 (default)? It is a VPC's default group: every instance launched without a group of its own is in it [y/N] y
allowed tcp 8080 from 10.0.0.0/8 on sg-00000001 (default)
$ secgroup worker0
sg-00000001  default  vpc-00000001  nodes: worker0
  proto  ports        sources
  tcp    22           0.0.0.0/0
  tcp    8080         10.0.0.0/8
$ secgroup revoke sg-00000001 tcp 8080 10.0.0.0/8
< y
revoke tcp 8080 from 10.0.0.0/8 on sg-00000001 (default)? [y/N] y
revoked tcp 8080 from 10.0.0.0/8 on sg-00000001 (default)
$ secgroup revoke sg-00000001 tcp 8080 10.0.0.0/8
< y
revoke tcp 8080 from 10.0.0.0/8 on sg-00000001 (default)? [y/N] y
secgroup revoke: sg-00000001 (default): AWS error InvalidPermission.NotFound: the specified rule does not exist (no such rule; secgroup shows the rules)
[exit 1]
$ secgroup allow sg-00000001 tcp notaport 10.0.0.0/8
error: bad port range 'notaport': use a port 0-65535 or first-last
[exit 1]
