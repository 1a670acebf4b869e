// SigV4 against AWS's published vectors (aws-sig-v4-test-suite and the IAM ListUsers worked
// example).
#include "cloud/sigv4.h"

#include <gtest/gtest.h>

namespace dust::cloud::sigv4 {
namespace {

// 2015-08-30T12:36:00Z, the instant every published vector uses.
constexpr std::time_t kSuiteTime = 1440938160;

Key suite_key(const std::string& service = "service") {
  return Key{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "us-east-1", service};
}

TEST(SigV4, AmzDateIsUtc) {
  EXPECT_EQ(amz_date(kSuiteTime), "20150830T123600Z");
  EXPECT_EQ(amz_date(0), "19700101T000000Z");
}

TEST(SigV4, Sha256OfEmptyString) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SigV4, GetVanilla) {
  Request r{"GET", "example.amazonaws.com", "/", "", {}, ""};
  Signed s = sign(r, suite_key(), kSuiteTime);
  EXPECT_EQ(s.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  ASSERT_EQ(s.headers_to_send.size(), 2u);
  EXPECT_EQ(s.headers_to_send[0],
            (std::pair<std::string, std::string>{"X-Amz-Date", "20150830T123600Z"}));
  EXPECT_EQ(s.headers_to_send[1].first, "Authorization");
}

TEST(SigV4, GetVanillaQueryOrderKeyCase) {
  Request r{"GET", "example.amazonaws.com", "/", "Param2=value2&Param1=value1", {}, ""};
  Signed s = sign(r, suite_key(), kSuiteTime);
  EXPECT_NE(s.canonical_request.find("\nParam1=value1&Param2=value2\n"), std::string::npos);
  EXPECT_EQ(s.signature, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4, PostXWwwFormUrlencoded) {
  Request r{"POST",
            "example.amazonaws.com",
            "/",
            "",
            {{"Content-Type", "application/x-www-form-urlencoded"}},
            "Param1=value1"};
  Signed s = sign(r, suite_key(), kSuiteTime);
  EXPECT_EQ(
      s.canonical_request,
      "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
      "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281");
  EXPECT_EQ(s.signature, "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

// The worked example of the AWS General Reference ("Signature Version 4 signing process").
TEST(SigV4, IamListUsersDocumentedExample) {
  Request r{"GET",
            "iam.amazonaws.com",
            "/",
            "Action=ListUsers&Version=2010-05-08",
            {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
            ""};
  Signed s = sign(r, suite_key("iam"), kSuiteTime);
  EXPECT_EQ(sha256_hex(s.canonical_request),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(
      hex(signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam")),
      "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(SigV4, SessionTokenIsSentAndSigned) {
  Key k = suite_key();
  Request r{"GET", "example.amazonaws.com", "/", "", {}, ""};
  Signed without = sign(r, k, kSuiteTime);
  k.session_token = "TOKEN/with+chars";
  Signed with = sign(r, k, kSuiteTime);
  EXPECT_NE(with.signature, without.signature);
  EXPECT_NE(with.authorization.find("SignedHeaders=host;x-amz-date;x-amz-security-token,"),
            std::string::npos);
  ASSERT_EQ(with.headers_to_send.size(), 3u);
  EXPECT_EQ(with.headers_to_send[1],
            (std::pair<std::string, std::string>{"X-Amz-Security-Token", "TOKEN/with+chars"}));
}

TEST(SigV4, HeaderValuesTrimmedAndCollapsed) {
  Request r{"GET", "example.amazonaws.com", "/", "", {{"My-Header1", "  value1   and  more "}}, ""};
  Signed s = sign(r, suite_key(), kSuiteTime);
  EXPECT_NE(s.canonical_request.find("\nmy-header1:value1 and more\n"), std::string::npos);
}

TEST(SigV4, UriEncode) {
  EXPECT_EQ(uri_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(uri_encode("a b+c/d=e&f*"), "a%20b%2Bc%2Fd%3De%26f%2A");
  EXPECT_EQ(uri_encode("\xe1\x88\xb4"), "%E1%88%B4");
  EXPECT_EQ(uri_encode(""), "");
}

TEST(SigV4, CanonicalQuerySortsByKeyThenValue) {
  EXPECT_EQ(canonical_query("b=2&a=2&a=1&A=9"), "A=9&a=1&a=2&b=2");
  EXPECT_EQ(canonical_query("flag&x="), "flag=&x=");
  EXPECT_EQ(canonical_query(""), "");
}

}  // namespace
}  // namespace dust::cloud::sigv4
