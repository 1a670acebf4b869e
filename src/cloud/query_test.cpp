// Query protocol pure parts: parameter encoding, AWS error documents, error messages, retry policy.
#include "cloud/query.h"

#include <gtest/gtest.h>

namespace dust::cloud {
namespace {

TEST(Query, ListParamsNumberFromOne) {
  Params p;
  add_list(p, "InstanceId", {"i-1", "i-2"});
  add_list(p, "Empty", {});
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0], (std::pair<std::string, std::string>{"InstanceId.1", "i-1"}));
  EXPECT_EQ(p[1], (std::pair<std::string, std::string>{"InstanceId.2", "i-2"}));
}

TEST(Query, FormEncodingEscapesReservedCharacters) {
  Params p{{"Action", "CreateTags"}, {"Tag.1.Key", "a b"}, {"Tag.1.Value", "x=y&z/+~*é"}};
  EXPECT_EQ(form_encode(p),
            "Action=CreateTags&Tag.1.Key=a+b&Tag.1.Value=x%3Dy%26z%2F%2B~%2A%C3%A9");
  EXPECT_EQ(form_encode({}), "");
}

TEST(Query, Ec2ErrorDocument) {
  auto e = parse_error(
      "<?xml version=\"1.0\" "
      "encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>AuthFailure</Code>"
      "<Message>AWS was not able to validate the provided access "
      "credentials</Message></Error></Errors>"
      "<RequestID>abc</RequestID></Response>");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "AuthFailure");
  EXPECT_EQ(e->message, "AWS was not able to validate the provided access credentials");
}

TEST(Query, CloudFormationErrorDocument) {
  auto e = parse_error(
      "<ErrorResponse "
      "xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><Error><Type>Sender</Type>"
      "<Code>ValidationError</Code><Message>Stack with id nope does not exist</Message></Error>"
      "<RequestId>x</RequestId></ErrorResponse>");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "ValidationError");
  EXPECT_EQ(e->message, "Stack with id nope does not exist");
}

TEST(Query, NotAnErrorDocument) {
  EXPECT_FALSE(parse_error("<DescribeRegionsResponse><regionInfo/></DescribeRegionsResponse>"));
  EXPECT_FALSE(parse_error("<html>Internal Server Error</html>"));
  EXPECT_FALSE(parse_error("not xml at all"));
  EXPECT_FALSE(parse_error(""));
}

TEST(Query, AuthFailureMessageCarriesCodeAndHint) {
  AwsError e = make_aws_error(
      {"AuthFailure", "AWS was not able to validate the provided access credentials"}, 401,
      "DescribeInstances");
  EXPECT_EQ(e.code, "AuthFailure");
  EXPECT_EQ(e.http_status, 401);
  EXPECT_STREQ(
      e.what(),
      "AWS error AuthFailure: AWS was not able to validate the provided access credentials "
      "(check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the profile in ~/.aws/credentials)");
}

TEST(Query, WellKnownCodesGetHints) {
  std::string unauth =
      make_aws_error({"UnauthorizedOperation", "You are not authorized"}, 403, "StopInstances")
          .what();
  EXPECT_NE(unauth.find("AWS error UnauthorizedOperation: You are not authorized"),
            std::string::npos);
  EXPECT_NE(unauth.find("IAM permission for StopInstances"), std::string::npos);
  std::string nf =
      make_aws_error({"InvalidInstanceID.NotFound", "The instance ID 'i-1' does not exist"}, 400,
                     "X")
          .what();
  EXPECT_NE(nf.find("AWS error InvalidInstanceID.NotFound: The instance ID 'i-1' does not exist"),
            std::string::npos);
  EXPECT_NE(nf.find("terminated"), std::string::npos);
  std::string bad =
      make_aws_error({"InvalidInstanceID.Malformed", "Invalid id: \"x\""}, 400, "X").what();
  EXPECT_NE(bad.find("i-0123456789abcdef0"), std::string::npos);
  std::string sig = make_aws_error({"SignatureDoesNotMatch", "sig"}, 403, "X").what();
  EXPECT_NE(sig.find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
  // An unknown code is reported as is, with no invented hint.
  EXPECT_STREQ(make_aws_error({"Weird.Code", "odd"}, 400, "X").what(), "AWS error Weird.Code: odd");
}

TEST(Query, RetryOnThrottlingAnd5xxOnly) {
  EXPECT_TRUE(is_retryable(503, "RequestLimitExceeded"));
  EXPECT_TRUE(is_retryable(400, "Throttling"));
  EXPECT_TRUE(is_retryable(400, "ThrottlingException"));
  EXPECT_TRUE(is_retryable(400, "RequestLimitExceeded"));
  EXPECT_TRUE(is_retryable(500, ""));
  EXPECT_TRUE(is_retryable(503, ""));
  EXPECT_TRUE(is_retryable(429, ""));
  EXPECT_FALSE(is_retryable(400, "InvalidInstanceID.NotFound"));
  EXPECT_FALSE(is_retryable(401, "AuthFailure"));
  EXPECT_FALSE(is_retryable(403, "UnauthorizedOperation"));
  EXPECT_FALSE(is_retryable(404, ""));
}

TEST(Query, BackoffGrowsWithJitterWithinBounds) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    long step = std::min(500L << std::min(attempt, 6), 20000L);
    EXPECT_EQ(backoff_ms(attempt, 0.0), step / 2) << attempt;
    EXPECT_LE(backoff_ms(attempt, 0.999), step) << attempt;
    EXPECT_GT(backoff_ms(attempt, 0.999), backoff_ms(attempt, 0.0)) << attempt;
  }
  EXPECT_LT(backoff_ms(0, 0.999), backoff_ms(1, 0.0) + 1);
  EXPECT_EQ(backoff_ms(50, 0.0), 10000);  // capped
}

}  // namespace
}  // namespace dust::cloud
