# assign / cluster list / use cluster / load / status / cluster delete.
$ assign tags=aws:cloudformation:stack-name:nano1 nano1
< ec2-user
< y
Name         Instance     State        ID                   ext_IP          int_IP

master       t2.small     running      i-00000000000000000                  10.231.5.11
worker0      t2.micro     running      i-00000000000000001                  10.231.5.12
worker1      t2.micro     running      i-00000000000000002                  10.231.5.13
ssh user for these nodes [ec2-user]: ec2-user
cloud: {provider: ec2, region: us-east-1}
cluster: {name: nano1, filter: "tags=aws:cloudformation:stack-name:nano1"}
nodes:
  - {nodename: master, selector: "tags=name:master", username: ec2-user}
  - {nodename: worker0, selector: "tags=name:worker0", username: ec2-user}
  - {nodename: worker1, selector: "tags=name:worker1", username: ec2-user}
Write cluster nano1 to $HOME/dust/clusters/nano1.yaml? [y/N] y
dust:<time> | Wrote $HOME/dust/clusters/nano1.yaml (3 nodes); use it with: use cluster nano1
$ cluster list
us-east-1:
  nano1
$ use nano1
dust:<time> | Showing nodes for cluster [nano1] in region [us-east-1]
Name         Instance     State        ID                   ext_IP          int_IP

nano1:
master       t2.small     running      i-00000000000000000                  10.231.5.11
worker0      t2.micro     running      i-00000000000000001                  10.231.5.12
worker1      t2.micro     running      i-00000000000000002                  10.231.5.13
$ show
Name         Instance     State        ID                   ext_IP          int_IP

nano1:
master       t2.small     running      i-00000000000000000                  10.231.5.11
worker0      t2.micro     running      i-00000000000000001                  10.231.5.12
worker1      t2.micro     running      i-00000000000000002                  10.231.5.13
$ use us-east-1
dust:<time> | Working set is now region [us-east-1]
$ load data/sample1.yaml
< y
dust:<time> | warning: data/sample1.yaml: no cluster.ssh_cidr: ssh (port 22) will be open to the world (0.0.0.0/0)
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Description": "dust cluster sample1",
  "Resources": {
    "ClusterSecurityGroup": {
      "Type": "AWS::EC2::SecurityGroup",
      "Properties": {
        "GroupDescription": "dust cluster sample1 nodes",
        "Tags": [
          {
            "Key": "Name",
            "Value": "sample1-nodes"
          }
        ]
      }
    },
    "ClusterIngressIntra": {
      "Type": "AWS::EC2::SecurityGroupIngress",
      "Properties": {
        "GroupId": {
          "Fn::GetAtt": [
            "ClusterSecurityGroup",
            "GroupId"
          ]
        },
        "IpProtocol": "-1",
        "SourceSecurityGroupId": {
          "Fn::GetAtt": [
            "ClusterSecurityGroup",
            "GroupId"
          ]
        },
        "Description": "all traffic between the cluster's nodes"
      }
    },
    "ClusterIngressSsh": {
      "Type": "AWS::EC2::SecurityGroupIngress",
      "Properties": {
        "GroupId": {
          "Fn::GetAtt": [
            "ClusterSecurityGroup",
            "GroupId"
          ]
        },
        "IpProtocol": "tcp",
        "FromPort": 22,
        "ToPort": 22,
        "CidrIp": "0.0.0.0/0",
        "Description": "ssh from 0.0.0.0/0"
      }
    },
    "master": {
      "Type": "AWS::EC2::Instance",
      "Properties": {
        "ImageId": "ami-760aaa0f",
        "InstanceType": "t2.nano",
        "KeyName": "YourKeyName",
        "SecurityGroupIds": [
          {
            "Fn::GetAtt": [
              "ClusterSecurityGroup",
              "GroupId"
            ]
          }
        ],
        "Tags": [
          {
            "Key": "Name",
            "Value": "master"
          }
        ]
      }
    },
    "worker0": {
      "Type": "AWS::EC2::Instance",
      "Properties": {
        "ImageId": "ami-760aaa0f",
        "InstanceType": "t2.nano",
        "KeyName": "YourKeyName",
        "SecurityGroupIds": [
          {
            "Fn::GetAtt": [
              "ClusterSecurityGroup",
              "GroupId"
            ]
          }
        ],
        "Tags": [
          {
            "Key": "Name",
            "Value": "worker0"
          }
        ]
      }
    },
    "worker1": {
      "Type": "AWS::EC2::Instance",
      "Properties": {
        "ImageId": "ami-760aaa0f",
        "InstanceType": "t2.nano",
        "KeyName": "YourKeyName",
        "SecurityGroupIds": [
          {
            "Fn::GetAtt": [
              "ClusterSecurityGroup",
              "GroupId"
            ]
          }
        ],
        "Tags": [
          {
            "Key": "Name",
            "Value": "worker1"
          }
        ]
      }
    }
  },
  "Outputs": {
    "SecurityGroupId": {
      "Description": "the cluster's node security group",
      "Value": {
        "Fn::GetAtt": [
          "ClusterSecurityGroup",
          "GroupId"
        ]
      }
    }
  }
}

dust:<time> | Validating the template with CloudFormation in us-east-1
Create stack sample1 in us-east-1 (3 instances)? [y/N] y
Creating stack sample1 in us-east-1: arn:aws:cloudformation:us-east-1:123456789012:stack/sample1/fake
Saved $HOME/dust/templates/sample1.json and $HOME/dust/clusters/sample1.yaml
Follow the creation with: status sample1 --wait
Then: use sample1
$ status sample1
dust:<time> | Connecting to cloud formation endpoint in us-east-1
Stack sample1 CREATE_COMPLETE
$ cluster list
us-east-1:
  nano1
  sample1
$ cluster delete sample1
< y
Stack sample1 in us-east-1 (CREATE_COMPLETE) will be deleted with all its resources.
Its 3 instances will be terminated: master,worker[0-1]
Name         Instance     State        ID          ext_IP          int_IP

master       t2.nano      running      i-fake0001
worker0      t2.nano      running      i-fake0002
worker1      t2.nano      running      i-fake0003
Cluster file $HOME/dust/clusters/sample1.yaml will be removed.
Delete stack sample1 and its cluster file? [y/N] y
Deleting stack sample1 in us-east-1 (follow with: status sample1 --wait)
Removed $HOME/dust/clusters/sample1.yaml
Template kept as $HOME/dust/templates/sample1.json.deleted-<stamp>
$ load data/specs/missing_region.yaml
error: data/specs/missing_region.yaml:3: cloud.region: missing required key
[exit 1]
$ load data/nosuch.yaml
error: cannot read data/nosuch.yaml: No such file or directory
[exit 1]
