// CloudFormation response parsing on sample documents (shapes as AWS documents them and moto
// returns).
#include "cloud/cloudformation.h"

#include <gtest/gtest.h>

namespace dust::cloud {
namespace {

pugi::xml_document load(const char* xml) {
  pugi::xml_document d;
  EXPECT_TRUE(d.load_string(xml));
  return d;
}

TEST(CfnParse, ValidateTemplate) {
  auto d =
      load(R"(<ValidateTemplateResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
    <ValidateTemplateResult><Description>dust cluster</Description><Parameters>
      <member><ParameterKey>KeyName</ParameterKey><NoEcho>false</NoEcho></member>
      <member><ParameterKey>Ami</ParameterKey></member></Parameters><Capabilities/></ValidateTemplateResult>
    <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ValidateTemplateResponse>)");
  TemplateInfo t = cfn_parse::template_info(d.document_element());
  EXPECT_EQ(t.description, "dust cluster");
  EXPECT_EQ(t.parameters, (std::vector<std::string>{"KeyName", "Ami"}));
}

TEST(CfnParse, CreateStackId) {
  auto d = load(
      "<CreateStackResponse><CreateStackResult><StackId>arn:aws:cloudformation:us-east-1:1:stack/"
      "s1/abc"
      "</StackId></CreateStackResult></CreateStackResponse>");
  EXPECT_EQ(cfn_parse::stack_id(d.document_element()),
            "arn:aws:cloudformation:us-east-1:1:stack/s1/abc");
}

TEST(CfnParse, DescribeStacks) {
  auto d = load(R"(<DescribeStacksResponse><DescribeStacksResult><Stacks>
    <member><StackName>sample1</StackName><StackId>arn:1</StackId><CreationTime>2024-01-01T00:00:00Z</CreationTime>
      <StackStatus>ROLLBACK_COMPLETE</StackStatus><StackStatusReason>The following resource(s) failed</StackStatusReason>
      <Tags><member><Key>owner</Key><Value>dust</Value></member></Tags>
      <Outputs><member><OutputKey>MasterIp</OutputKey><OutputValue>10.0.0.5</OutputValue></member></Outputs></member>
    <member><StackName>other</StackName><StackStatus>CREATE_COMPLETE</StackStatus></member>
    </Stacks><NextToken>page2</NextToken></DescribeStacksResult></DescribeStacksResponse>)");
  std::vector<Stack> s;
  EXPECT_EQ(cfn_parse::stacks(d.document_element(), &s), "page2");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].name, "sample1");
  EXPECT_EQ(s[0].id, "arn:1");
  EXPECT_EQ(s[0].status, "ROLLBACK_COMPLETE");
  EXPECT_EQ(s[0].status_reason, "The following resource(s) failed");
  EXPECT_EQ(s[0].creation_time, "2024-01-01T00:00:00Z");
  EXPECT_EQ(s[0].tags, (KeyValues{{"owner", "dust"}}));
  EXPECT_EQ(s[0].outputs, (KeyValues{{"MasterIp", "10.0.0.5"}}));
  EXPECT_EQ(s[1].status, "CREATE_COMPLETE");
  EXPECT_TRUE(s[1].tags.empty());
}

TEST(CfnParse, StackEventsInApiOrder) {
  auto d = load(R"(<DescribeStackEventsResponse><DescribeStackEventsResult><StackEvents>
    <member><StackName>s1</StackName><EventId>e2</EventId><LogicalResourceId>master</LogicalResourceId>
      <PhysicalResourceId>i-1</PhysicalResourceId><ResourceType>AWS::EC2::Instance</ResourceType>
      <Timestamp>2024-01-01T00:00:02Z</Timestamp><ResourceStatus>CREATE_FAILED</ResourceStatus>
      <ResourceStatusReason>quota</ResourceStatusReason></member>
    <member><StackName>s1</StackName><EventId>e1</EventId><LogicalResourceId>s1</LogicalResourceId>
      <ResourceType>AWS::CloudFormation::Stack</ResourceType><Timestamp>2024-01-01T00:00:01Z</Timestamp>
      <ResourceStatus>CREATE_IN_PROGRESS</ResourceStatus><ResourceStatusReason>User Initiated</ResourceStatusReason></member>
    </StackEvents></DescribeStackEventsResult></DescribeStackEventsResponse>)");
  std::vector<StackEvent> e;
  EXPECT_EQ(cfn_parse::stack_events(d.document_element(), &e), "");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].event_id, "e2");
  EXPECT_EQ(e[0].logical_id, "master");
  EXPECT_EQ(e[0].physical_id, "i-1");
  EXPECT_EQ(e[0].resource_type, "AWS::EC2::Instance");
  EXPECT_EQ(e[0].status, "CREATE_FAILED");
  EXPECT_EQ(e[0].reason, "quota");
  EXPECT_EQ(e[0].timestamp, "2024-01-01T00:00:02Z");
  EXPECT_EQ(e[1].stack_name, "s1");
  EXPECT_EQ(e[1].reason, "User Initiated");
}

}  // namespace
}  // namespace dust::cloud
