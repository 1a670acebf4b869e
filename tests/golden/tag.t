# tag / untag: k=v lists, aws: keys refused, names follow the Name tag.
$ tag worker0 owner=me,team=data
tagged 1 node: worker0
$ show -v worker0
Name         Instance     State        ID                   ext_IP          int_IP

worker0      t2.micro     running      i-00000000000000001                  10.231.5.12
              image : ami-12c6146b
              hostname : ip-10-231-5-12.ec2.internal
              key : dust-test
              tags : env=dev,aws:cloudformation:stack-name=nano1,role=worker,Name=worker0,owner=me,team=data
              launch_time : 2026-01-01T00:00:00.000Z
              vpc:subnet : vpc-00000001:subnet-00000001
              az : us-east-1a
              groups : sg-00000001
$ untag worker0 owner
untagged 1 node: worker0
$ tag worker0 aws:foo=bar
tag: tag key 'aws:foo' is reserved: keys starting with aws: cannot be changed
usage: tag <target> key=value[,key2=value2]
[exit 2]
$ tag worker1 Name=alpha1
tagged 1 node: worker1
$ show alpha1
Name         Instance     State        ID                   ext_IP          int_IP

alpha1       t2.micro     running      i-00000000000000002                  10.231.5.13
$ tag worker0
tag: needs 1 argument after the target
usage: tag <target> key=value[,key2=value2]
[exit 2]
$ untag nosuch x
error: no nodes match 'nosuch'
[exit 1]
