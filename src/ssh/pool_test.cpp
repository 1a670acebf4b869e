// Pool's output path: observers per node for a job's lifetime, newest first, then the sink.
#include "ssh/pool.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dust::ssh {
namespace {

struct Recorder : Sink {
  std::vector<std::string> seen;  // "<key> <text> taken|shown"
  void on_event(const NodeEvent& e, bool taken) override {
    seen.push_back(e.node.key + " " + std::string(e.text) + (taken ? " taken" : " shown"));
  }
};

struct Taker : Observer {
  std::string name;
  bool take = true;
  std::vector<std::string> got;
  explicit Taker(std::string n, bool t = true) : name(std::move(n)), take(t) {}
  bool on_event(const NodeEvent& e) override {
    got.push_back(e.node.key + " " + std::string(e.text));
    return take;
  }
};

Endpoint ep(const std::string& key) {
  Endpoint e;
  e.key = key;
  e.node_label = key;
  return e;
}

TEST(PoolOutputPath, EventsWithoutObserversReachTheSink) {
  EventLoop loop;
  Recorder sink;
  Pool pool(loop, Options{}, sink);
  Endpoint a = ep("i-a");
  pool.emit({NodeEvent::Kind::Line, a, "hello"});
  EXPECT_EQ(sink.seen, std::vector<std::string>{"i-a hello shown"});
}

TEST(PoolOutputPath, AnObserverSeesOnlyItsNodesAndOnlyWhileRegistered) {
  EventLoop loop;
  Recorder sink;
  Pool pool(loop, Options{}, sink);
  Endpoint a = ep("i-a"), b = ep("i-b");
  Taker job("job");
  {
    Pool::Subscription s = pool.observe({a}, job);
    pool.emit({NodeEvent::Kind::Line, a, "one"});
    pool.emit({NodeEvent::Kind::Line, b, "two"});
  }
  pool.emit({NodeEvent::Kind::Line, a, "after"});  // the job ended: background output is shown
  EXPECT_EQ(job.got, std::vector<std::string>{"i-a one"});
  EXPECT_EQ(sink.seen,
            (std::vector<std::string>{"i-a one taken", "i-b two shown", "i-a after shown"}));
}

TEST(PoolOutputPath, NewestObserverFirstAndDecliningPassesOn) {
  EventLoop loop;
  Recorder sink;
  Pool pool(loop, Options{}, sink);
  Endpoint a = ep("i-a");
  Taker older("older"), newer("newer", false);
  Pool::Subscription s1 = pool.observe({a}, older);
  Pool::Subscription s2 = pool.observe({a}, newer);
  pool.emit({NodeEvent::Kind::Notice, a, "note"});
  EXPECT_EQ(newer.got, std::vector<std::string>{"i-a note"});
  EXPECT_EQ(older.got, std::vector<std::string>{"i-a note"});  // newer declined it
  EXPECT_EQ(sink.seen, std::vector<std::string>{"i-a note taken"});
  // Moving a subscription keeps it registered; resetting the target releases it.
  Pool::Subscription moved = std::move(s1);
  pool.emit({NodeEvent::Kind::Line, a, "x"});
  EXPECT_EQ(older.got.size(), 2u);
  moved = Pool::Subscription();
  pool.emit({NodeEvent::Kind::Line, a, "y"});
  EXPECT_EQ(older.got.size(), 2u);
  EXPECT_EQ(sink.seen.back(), "i-a y shown");
}

TEST(PoolOutputPath, ASubscriptionMayOutliveThePool) {
  EventLoop loop;
  Recorder sink;
  Taker job("job");
  Pool::Subscription s;
  {
    Pool pool(loop, Options{}, sink);
    s = pool.observe({ep("i-a")}, job);
  }
  // Releasing it must not touch the destroyed pool (the sanitized build catches a use after free).
  s = Pool::Subscription();
  EXPECT_TRUE(job.got.empty());
}

}  // namespace
}  // namespace dust::ssh
