// Golden command sessions (fish's way): each tests/golden/*.t file is a session — `$ line` runs a
// command line through the real dispatcher and command table against an in-memory
// EC2/CloudFormation (the sandbox's seed inventory, fakes/fake_ec2.h), and the lines under it are
// its exact output (stdout and stderr in the order written, log timestamps as <time> and file
// stamps as <stamp>, `[exit N]` when the status is not 0).
// `< text` lines under a `$` line are its stdin (answers to questions). The working directory holds
// tests/data as ./data. DUST_GOLDEN_UPDATE=1
// rewrites the files with what the commands printed (review the diff).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "dust_source_dir.h"
#include "fakes/fake_cloudformation.h"
#include "fakes/fake_ec2.h"
#include "shell/command_table.h"
#include "shell/context.h"
#include "shell/dispatch.h"
#include "util/log.h"

namespace fs = std::filesystem;
using namespace dust;

namespace {

// The sandbox's seed (tests/testbed/seed.py), as fixed values.
Nodes seed_nodes() {
  struct Row {
    const char* name;
    const char* state;
    std::vector<std::pair<std::string, std::string>> tags;
    const char* type;
  };
  const std::string stack = "aws:cloudformation:stack-name";
  std::vector<Row> rows = {
      {"master", "running", {{"env", "dev"}, {stack, "nano1"}, {"role", "master"}}, "t2.small"},
      {"worker0", "running", {{"env", "dev"}, {stack, "nano1"}, {"role", "worker"}}, "t2.micro"},
      {"worker1", "running", {{"env", "dev"}, {stack, "nano1"}, {"role", "worker"}}, "t2.micro"},
      {"worker2", "running", {{"env", "dev"}, {"role", "worker"}}, "t2.micro"},
      {"web", "running", {{"env", "prod"}, {"team:owner", "web:frontend"}}, "t2.micro"},
      {"web", "stopped", {{"env", "staging"}}, "t2.micro"},
      {"db", "stopped", {{"env", "prod"}, {"backup", "daily"}}, "t2.medium"},
      {"", "running", {{"env", "dev"}}, "t2.micro"},
  };
  Nodes out;
  for (size_t i = 0; i < rows.size(); ++i) {
    Node n;
    n.name = rows[i].name;
    n.id = "i-0000000000000000" + std::to_string(i);
    n.state = rows[i].state;
    n.instance_type = rows[i].type;
    n.image = "ami-12c6146b";
    n.key_name = "dust-test";
    n.private_ip = "10.231.5." + std::to_string(11 + i);
    n.private_dns = "ip-10-231-5-" + std::to_string(11 + i) + ".ec2.internal";
    n.vpc = "vpc-00000001";
    n.subnet = "subnet-00000001";
    n.az = "us-east-1a";
    n.launch_time = "2026-01-01T00:00:00.000Z";
    n.groups = {"sg-00000001"};
    n.tags = rows[i].tags;
    if (!n.name.empty()) n.tags.emplace_back("Name", n.name);
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<cloud::SecurityGroup> seed_groups() {
  cloud::SecurityGroup g;
  g.id = "sg-00000001";
  g.name = "default";
  g.description = "default VPC security group";
  g.vpc = "vpc-00000001";
  g.ingress.push_back({"tcp", 22, 22, {"0.0.0.0/0"}, {}, {}});
  return {g};
}

struct Block {
  std::string line;                // the command line
  std::vector<std::string> input;  // `< ` lines
  std::string expected;            // output lines, joined with \n
};

std::vector<Block> parse(const std::string& text, std::string* header) {
  std::vector<Block> out;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) {
    if (l.rfind("$ ", 0) == 0) {
      out.push_back({l.substr(2), {}, ""});
    } else if (out.empty()) {
      *header += l + "\n";
    } else if (l.rfind("< ", 0) == 0 && out.back().expected.empty()) {
      out.back().input.push_back(l.substr(2));
    } else {
      out.back().expected += l + "\n";
    }
  }
  return out;
}

// The person at the transcript's terminal: answers questions with the block's `< ` lines, shown
// after the question as a terminal would echo them; end of input cancels.
class ScriptedClient : public shell::ClientIo {
 public:
  ScriptedClient(shell::Context& ctx, std::string cwd)
      : ctx_(ctx), env_(Environment::capture()), cwd_(std::move(cwd)), raw_(ctx.loop()) {}
  void answers(std::vector<std::string> a) { answers_.assign(a.begin(), a.end()); }
  const Environment& env() const override { return env_; }
  const std::string& cwd() const override { return cwd_; }
  bool stdin_tty() const override { return false; }
  bool stderr_tty() const override { return false; }
  bool can_ask() const override { return true; }
  std::optional<std::string> ask(const std::string& question, bool) override {
    ctx_.out().out(question);
    if (answers_.empty()) {
      ctx_.out().out("\n");
      return std::nullopt;
    }
    std::string a = answers_.front();
    answers_.pop_front();
    ctx_.out().out(a + "\n");
    return a;
  }
  int run_local(const std::string& command) override { return shell::run_local_command(command); }
  void change_directory(const std::string& dir) override { cwd_ = dir; }
  const std::string& previous_cwd() const override { return cwd_; }
  ssh::RawTerminal& raw_terminal() override { return raw_; }
  std::optional<std::string> stdin_data() override { return std::nullopt; }

 private:
  shell::Context& ctx_;
  Environment env_;
  std::string cwd_;
  ssh::LocalRawTerminal raw_;
  std::deque<std::string> answers_;
};

// Runs `line` with `input` as the answers to its questions; returns what it printed.
std::string run(shell::Context& ctx, ScriptedClient& client, shell::StringSink& sink,
                const Block& b, const std::string& home) {
  client.answers(b.input);
  int rc = shell::execute_line(ctx, b.line);
  ctx.out().flush();
  std::string out = sink.take();
  out = std::regex_replace(out, std::regex(R"(dust:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \| )"),
                           "dust:<time> | ");
  out = std::regex_replace(out, std::regex(R"(\d{8}T\d{6}Z)"), "<stamp>");
  for (size_t at; (at = out.find(home)) != std::string::npos;)
    out.replace(at, home.size(), "$HOME");
  if (!out.empty() && out.back() != '\n') out += "\n";  // a question left without its newline
  if (rc != 0) out += "[exit " + std::to_string(rc) + "]\n";
  return out;
}

class Golden : public testing::TestWithParam<std::string> {};

TEST_P(Golden, Matches) {
  const fs::path file = GetParam();
  std::ifstream f(file);
  std::stringstream buf;
  buf << f.rdbuf();
  std::string header;
  std::vector<Block> blocks = parse(buf.str(), &header);
  ASSERT_FALSE(blocks.empty()) << file << " has no `$ ` lines";

  // A fresh DUST_HOME and HOME per file: clusters, history and keys start empty.
  fs::path home = fs::temp_directory_path() /
                  ("dust-transcript-" + std::to_string(getpid()) + "-" + file.stem().string());
  fs::remove_all(home);
  fs::create_directories(home / "dust");
  setenv("HOME", home.c_str(), 1);
  setenv("DUST_HOME", (home / "dust").c_str(), 1);
  setenv("AWS_REGION", "us-east-1", 1);
  setenv("AWS_ACCESS_KEY_ID", "AKIDTRANSCRIPT", 1);  // never used: the clients are fakes
  setenv("AWS_SECRET_ACCESS_KEY", "transcript", 1);
  // Were a real client ever built by mistake, it would meet a closed loopback port, never AWS.
  setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9", 1);
  for (const char* v : {"AWS_PROFILE", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_CLOUDFORMATION",
                        "AWS_DEFAULT_REGION", "SSH_AUTH_SOCK"})
    unsetenv(v);
  setenv("NO_COLOR", "1", 1);
  // The repository's test data (specs, sample1.yaml) as ./data: `load data/sample1.yaml`.
  fs::copy(fs::path(DUST_SOURCE_DIR) / "tests" / "data", home / "data",
           fs::copy_options::recursive);

  auto ec2 = std::make_shared<cloud::FakeEc2>("us-east-1", seed_nodes(), seed_groups());
  shell::Context ctx(shell::Config{}, shell::Mode::Script, false, false);
  shell::StringSink sink;
  ctx.out().set_sink(&sink);
  log::set_writer([&ctx](const std::string& s) { ctx.out().err(s); });
  shell::Context::CloudClients clients;
  clients.ec2 = [ec2](const std::string& region) -> std::shared_ptr<cloud::Ec2Api> {
    if (region == "us-east-1") return ec2;
    return std::make_shared<cloud::FakeEc2>(region, Nodes{});
  };
  clients.cfn = [ec2](const std::string& region) -> std::shared_ptr<cloud::CloudFormationApi> {
    return std::make_shared<cloud::FakeCloudFormation>(region,
                                                       region == "us-east-1" ? ec2.get() : nullptr);
  };
  ctx.set_cloud_clients(clients);
  fs::current_path(home);
  ScriptedClient client(ctx, home.string());
  ctx.set_client(&client);

  std::string rewritten = header;
  for (const auto& b : blocks) {
    std::string got = run(ctx, client, sink, b, home.string());
    if (!getenv("DUST_GOLDEN_UPDATE")) {
      EXPECT_EQ(got, b.expected) << file << ": $ " << b.line;
    }
    rewritten += "$ " + b.line + "\n";
    for (const auto& i : b.input) rewritten += "< " + i + "\n";
    rewritten += got;
  }
  log::set_writer(nullptr);
  ctx.set_client(nullptr);
  ctx.out().set_sink(nullptr);
  fs::current_path(fs::temp_directory_path());
  fs::remove_all(home);
  if (getenv("DUST_GOLDEN_UPDATE")) std::ofstream(file) << rewritten;
}

std::vector<std::string> transcript_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(DUST_SOURCE_DIR) / "tests" / "golden"))
    if (e.path().extension() == ".t") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Commands, Golden, testing::ValuesIn(transcript_files()),
                         [](const testing::TestParamInfo<std::string>& i) {
                           std::string n = fs::path(i.param).stem().string();
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace
