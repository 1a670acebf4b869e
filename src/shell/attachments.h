// What the shell asks of a dust server while one of its clients' lines runs (src/server/): whose
// node output is whose, whether a node may take this client's line, detach and replay. Context has
// none when dust runs in one process.
#pragma once
#include <set>
#include <string>

namespace dust::shell {

class ClientIo;

class Attachments {
 public:
  virtual ~Attachments() = default;
  // The running client's command now owns `node_key`'s output (it goes to that client).
  virtual void claim(const std::string& node_key) = 0;
  // Why the running client may not send a line to `node_key`, busy with a command another client
  // started ("" when it may: idle, or its own command, whose input this line is).
  virtual std::string refuse(const std::string& node_key, const std::string& label) = 0;
  // The client whose line runs has gone (killed, closed its terminal): waits end early.
  virtual bool abandoned() const = 0;
  // `detach`: the running client leaves after this line; the sessions stay.
  virtual void detach() = 0;
  // Who answers a question now (a sudo prompt, possibly after the line returned): the running
  // client, else the attached client that ran a line last; nullptr when no client can answer.
  virtual ClientIo* asker() = 0;
  // Output kept while no client was attached, of these nodes ("" for notices; empty set = all).
  virtual std::string replay(const std::set<std::string>& node_keys) = 0;
};

}  // namespace dust::shell
