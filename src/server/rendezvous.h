// Where a dust server and its clients meet: one server per DUST_HOME. The socket lives in a 0700
// directory ($XDG_RUNTIME_DIR/dust/ when set, else $DUST_HOME/run/), named after DUST_HOME so two
// homes never share a server; the lock file beside it is held by the running server for its
// whole life (two `dust` started at once end up with one server); the server's log is there too.
#pragma once
#include <string>

namespace dust::server {

struct Rendezvous {
  std::string dir;     // created 0700 by ensure()
  std::string socket;  // the server's unix socket (0600)
  std::string lock;    // flock()ed by the server
  std::string log;     // the server's stderr: refused clients, dropped connections
};

Rendezvous rendezvous();  // for the current DUST_HOME (nothing created)
// Creates the directory (0700) or throws dust::Error naming it (wrong owner or mode included).
void ensure(const Rendezvous& r);
// Why the rendezvous must not be used ("" when it may): the directory or socket is not ours, not
// what it should be, or others may write the directory. Checked by the client before connecting.
std::string untrusted(const Rendezvous& r);

}  // namespace dust::server
