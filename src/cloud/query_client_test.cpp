// QueryClient over real HTTP against a scripted local server (python3 http.server): retries on
// throttling and 5xx, error documents → AwsError, timeouts and refused connections → prompt
// dust::Error.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cloud/query.h"

namespace dust::cloud {
namespace {

// Answers POSTs with the scripted (status, body) list in order (the last one repeats, a status of 0
// means "never answer"), and appends each request's headers and body as a JSON line to a log file.
const char* kServer = R"PY(
import http.server, json, sys, time
script = json.load(open(sys.argv[1])); log = sys.argv[2]; n = [0]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        with open(log, "a") as f: f.write(json.dumps({"headers": dict(self.headers), "body": body}) + "\n")
        status, text = script[min(n[0], len(script) - 1)]; n[0] += 1
        if status == 0: time.sleep(30); return
        data = text.encode()
        self.send_response(status); self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
)PY";

class FakeServer {
 public:
  explicit FakeServer(const nlohmann::json& script) {
    char tmpl[] = "/tmp/dust-fakeaws-XXXXXX";
    if (!mkdtemp(tmpl)) return;
    dir_ = tmpl;
    std::ofstream(dir_ + "/server.py") << kServer;
    std::ofstream(dir_ + "/script.json") << script.dump();
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      execlp("python3", "python3", (dir_ + "/server.py").c_str(), (dir_ + "/script.json").c_str(),
             (dir_ + "/log").c_str(), nullptr);
      _exit(127);
    }
    close(fds[1]);
    FILE* f = fdopen(fds[0], "r");
    if (fscanf(f, "%d", &port_) != 1) port_ = 0;
    fclose(f);
  }
  ~FakeServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    if (!dir_.empty()) std::system(("rm -rf " + dir_).c_str());
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<nlohmann::json> requests() const {
    std::vector<nlohmann::json> out;
    std::ifstream in(dir_ + "/log");
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
  }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

AwsConfig config() {
  AwsConfig c;
  c.creds = {"AKIDTEST", "secret", "tok", "test"};
  c.connect_timeout_ms = 2000;
  c.request_timeout_ms = 1500;
  return c;
}

const char* kOk =
    "<DescribeRegionsResponse><regionInfo><item><regionName>eu-west-1</regionName></item>"
    "</regionInfo></DescribeRegionsResponse>";
const char* kThrottled =
    "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit "
    "exceeded.</Message></Error></Errors></Response>";

TEST(QueryClient, SignedFormPostAndXmlBack) {
  FakeServer s(nlohmann::json::array({{200, kOk}}));
  ASSERT_GT(s.port(), 0);
  QueryClient q(config(), "ec2", "EC2", "2016-11-15", "eu-west-1", s.url());
  auto r = q.call("DescribeRegions", {{"RegionName.1", "eu west"}});
  EXPECT_STREQ(r->root().child("regionInfo").child("item").child_value("regionName"), "eu-west-1");
  auto reqs = s.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0]["body"], "Action=DescribeRegions&Version=2016-11-15&RegionName.1=eu+west");
  const auto& h = reqs[0]["headers"];
  EXPECT_EQ(h["Host"], "127.0.0.1:" + std::to_string(s.port()));
  EXPECT_EQ(h["X-Amz-Security-Token"], "tok");
  std::string auth = h["Authorization"];
  EXPECT_EQ(auth.rfind("AWS4-HMAC-SHA256 Credential=AKIDTEST/", 0), 0u) << auth;
  EXPECT_NE(auth.find("/eu-west-1/ec2/aws4_request"), std::string::npos) << auth;
}

TEST(QueryClient, RetriesThrottlingAndServerErrorsThenSucceeds) {
  FakeServer s(nlohmann::json::array({{503, kThrottled}, {500, "<html>oops</html>"}, {200, kOk}}));
  ASSERT_GT(s.port(), 0);
  QueryClient q(config(), "ec2", "EC2", "2016-11-15", "us-east-1", s.url());
  auto t0 = std::chrono::steady_clock::now();
  auto r = q.call("DescribeRegions", {});
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(r->root().child("regionInfo"));
  EXPECT_EQ(s.requests().size(), 3u);
  EXPECT_GE(secs, 0.25 + 0.5);  // backoff waited at least the fixed halves of two steps
  // Each attempt is signed afresh (the signature covers the time), never replayed blindly.
  for (const auto& req : s.requests()) EXPECT_TRUE(req["headers"].contains("Authorization"));
}

TEST(QueryClient, GivesUpAfterMaxAttemptsWithTheAwsCode) {
  FakeServer s(nlohmann::json::array({{400, kThrottled}}));
  ASSERT_GT(s.port(), 0);
  QueryClient q(config(), "ec2", "EC2", "2016-11-15", "us-east-1", s.url());
  q.max_attempts = 2;
  try {
    q.call("DescribeInstances", {});
    FAIL() << "expected AwsError";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code, "RequestLimitExceeded");
    EXPECT_EQ(e.http_status, 400);
    EXPECT_STREQ(e.what(), "AWS error RequestLimitExceeded: Request limit exceeded.");
  }
  EXPECT_EQ(s.requests().size(), 2u);
}

TEST(QueryClient, ClientErrorsAreNotRetried) {
  FakeServer s(nlohmann::json::array(
      {{401,
        "<Response><Errors><Error><Code>AuthFailure</Code><Message>AWS was not able to validate "
        "the provided "
        "access credentials</Message></Error></Errors><RequestID>x</RequestID></Response>"}}));
  ASSERT_GT(s.port(), 0);
  QueryClient q(config(), "ec2", "EC2", "2016-11-15", "us-east-1", s.url());
  try {
    q.call("DescribeInstances", {});
    FAIL() << "expected AwsError";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code, "AuthFailure");
    EXPECT_NE(std::string(e.what()).find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
  }
  EXPECT_EQ(s.requests().size(), 1u);
}

TEST(QueryClient, NonXmlErrorBodyStillClear) {
  FakeServer s(nlohmann::json::array({{404, "Not Found"}}));
  ASSERT_GT(s.port(), 0);
  QueryClient q(config(), "ec2", "EC2", "2016-11-15", "us-east-1", s.url());
  try {
    q.call("DescribeInstances", {});
    FAIL() << "expected AwsError";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code, "HTTP404");
    EXPECT_STREQ(e.what(), "EC2 DescribeInstances failed: HTTP 404: Not Found");
  }
}

TEST(QueryClient, UnansweredRequestTimesOut) {
  FakeServer s(nlohmann::json::array({{0, ""}}));
  ASSERT_GT(s.port(), 0);
  QueryClient q(config(), "ec2", "EC2", "2016-11-15", "us-east-1", s.url());
  auto t0 = std::chrono::steady_clock::now();
  try {
    q.call("DescribeInstances", {});
    FAIL() << "expected an error";
  } catch (const AwsError&) {
    FAIL() << "a timeout is not an AWS error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot reach EC2 endpoint " + s.url()), std::string::npos)
        << e.what();
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 5.0);
}

TEST(QueryClient, RefusedConnectionIsAPromptClearError) {
  QueryClient q(config(), "ec2", "EC2", "2016-11-15", "us-east-1", "http://127.0.0.1:1");
  auto t0 = std::chrono::steady_clock::now();
  try {
    q.call("DescribeInstances", {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "cannot reach EC2 endpoint http://127.0.0.1:1: Connection refused");
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 2.0);
}

TEST(QueryClient, MalformedEndpointRefused) {
  EXPECT_THROW(QueryClient(config(), "ec2", "EC2", "v", "us-east-1", "ftp://x"), Error);
  EXPECT_THROW(QueryClient(config(), "ec2", "EC2", "v", "us-east-1", "http://[bad"), Error);
}

}  // namespace
}  // namespace dust::cloud
