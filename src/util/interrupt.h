// Ctrl-C as a flag: the SIGINT handler only counts; long operations (HTTP calls, waits) poll it.
#pragma once

namespace dust::interrupt {

void install();  // SIGINT handler that counts (and wakes the event loop through a pipe)
int count();     // SIGINTs since the last reset()
void reset();
bool pending();  // count() > 0
int wake_fd();   // read end of the self-pipe (for EventLoop::watch); drain with drain()
void drain();
// In a forked child (the dust server): a self-pipe of its own, not shared with the parent.
void after_fork();

}  // namespace dust::interrupt
