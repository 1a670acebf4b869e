// dust entry point: argv → Shell.
#include <cstdio>

int main(int, char**) {
  std::puts("dust " DUST_VERSION);
  return 0;
}
