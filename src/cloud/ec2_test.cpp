// EC2 request parameters: filters and ingress rules as the Query API numbers them.
#include "cloud/ec2.h"

#include <gtest/gtest.h>

namespace dust::cloud {
namespace {

using P = std::pair<std::string, std::string>;

TEST(Ec2Params, Filters) {
  Params p;
  Ec2::add_filters(p, {{"tag:Name", {"web*", "db"}}, {"instance-state-name", {"running"}}});
  EXPECT_EQ(p, (Params{P{"Filter.1.Name", "tag:Name"}, P{"Filter.1.Value.1", "web*"},
                       P{"Filter.1.Value.2", "db"}, P{"Filter.2.Name", "instance-state-name"},
                       P{"Filter.2.Value.1", "running"}}));
}

TEST(Ec2Params, IngressWithCidrsAndGroups) {
  IpPermission r{"tcp", 8000, 8080, {"10.0.0.0/8", "1.2.3.4/32"}, {"::/0"}, {"sg-9"}};
  EXPECT_EQ(Ec2::ingress_params("sg-1", r),
            (Params{P{"GroupId", "sg-1"}, P{"IpPermissions.1.IpProtocol", "tcp"},
                    P{"IpPermissions.1.FromPort", "8000"}, P{"IpPermissions.1.ToPort", "8080"},
                    P{"IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8"},
                    P{"IpPermissions.1.IpRanges.2.CidrIp", "1.2.3.4/32"},
                    P{"IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "::/0"},
                    P{"IpPermissions.1.Groups.1.GroupId", "sg-9"}}));
}

TEST(Ec2Params, AllProtocolsHaveNoPorts) {
  IpPermission r{"-1", -1, -1, {"0.0.0.0/0"}, {}, {}};
  Params p = Ec2::ingress_params("sg-1", r);
  for (const auto& [k, v] : p) EXPECT_EQ(k.find("Port"), std::string::npos) << k;
  EXPECT_EQ(p.size(), 3u);
}

}  // namespace
}  // namespace dust::cloud
