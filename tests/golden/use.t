# use: list clusters and regions, switch region, unknown names.
$ use
clusters: none
regions: eu-west-1 [us-east-1] us-west-2
$ use eu-west-1
dust:<time> | Working set is now region [eu-west-1]
$ show
no nodes in eu-west-1
$ use us-east-1
dust:<time> | Working set is now region [us-east-1]
$ use nosuchcluster
error: no cluster or region named 'nosuchcluster' (clusters: none, `load FILE` creates one; regions are named like us-east-1; `use` lists every region)
[exit 1]
