# show and showex over the seed inventory.
$ show
Name                      Instance     State        ID                   ext_IP          int_IP

master                    t2.small     running      i-00000000000000000                  10.231.5.11
worker0                   t2.micro     running      i-00000000000000001                  10.231.5.12
worker1                   t2.micro     running      i-00000000000000002                  10.231.5.13
worker2                   t2.micro     running      i-00000000000000003                  10.231.5.14
web(i-00000000000000004)  t2.micro     running      i-00000000000000004                  10.231.5.15
web(i-00000000000000005)  t2.micro     stopped      i-00000000000000005                  10.231.5.16
db                        t2.medium    stopped      i-00000000000000006                  10.231.5.17
                          t2.micro     running      i-00000000000000007                  10.231.5.18
$ show worker*
Name         Instance     State        ID                   ext_IP          int_IP

worker0      t2.micro     running      i-00000000000000001                  10.231.5.12
worker1      t2.micro     running      i-00000000000000002                  10.231.5.13
worker2      t2.micro     running      i-00000000000000003                  10.231.5.14
$ show -v worker0
Name         Instance     State        ID                   ext_IP          int_IP

worker0      t2.micro     running      i-00000000000000001                  10.231.5.12
              image : ami-12c6146b
              hostname : ip-10-231-5-12.ec2.internal
              key : dust-test
              tags : env=dev,aws:cloudformation:stack-name=nano1,role=worker,Name=worker0
              launch_time : 2026-01-01T00:00:00.000Z
              vpc:subnet : vpc-00000001:subnet-00000001
              az : us-east-1a
              groups : sg-00000001
$ showex db
Name         Instance     State        ID                   ext_IP          int_IP

db           t2.medium    stopped      i-00000000000000006                  10.231.5.17
              image : ami-12c6146b
              hostname : ip-10-231-5-17.ec2.internal
              key : dust-test
              tags : env=prod,backup=daily,Name=db
              launch_time : 2026-01-01T00:00:00.000Z
              vpc:subnet : vpc-00000001:subnet-00000001
              az : us-east-1a
              groups : sg-00000001
$ show nosuch[
show: bad target 'nosuch[': unclosed '[' in 'nosuch['
usage: show [-v] [target]
[exit 2]
$ show bogus=1
show: bad target 'bogus=1': unknown key 'bogus' in 'bogus=1'; keys: state, id, name, type, image, key, ip, int_ip, dns, private_dns, vpc, subnet, az, launch_time, cluster, username, tags (aliases: instance_type, key_name, ext_ip, public_ip, private_ip, public_dns)
usage: show [-v] [target]
[exit 2]
