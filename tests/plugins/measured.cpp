// Test taskset: measurements that are not HTTP (nest/measure.h), as rows of the statistics.
//   queue publish: recorded by hand, one success (3 ms) and one failure ("queue full") a task;
//   grpc GetUser:  measure() around a call that waits 2 ms without blocking the thread;
//   db query:      measure() around a call that throws: a failure, never an exception;
//   tcp connect:   a non-blocking TCP connect to NEST_TCP_TARGET (HOST:PORT), polled with
//                  nest::sleep so the thread serves the other users meanwhile.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <nest/nest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

using namespace std::chrono_literals;

namespace {

// Connects without blocking: the socket is non-blocking, and the user sleeps (nest::sleep,
// which parks only this user) between polls until the connection is made.
void connect_without_blocking(const std::string& host, int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
    throw std::runtime_error("not an IPv4 address: " + host);
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return;
  if (errno != EINPROGRESS) throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
  for (int waited = 0; waited < 5000; ++waited) {
    pollfd ready{fd, POLLOUT, 0};
    if (poll(&ready, 1, 0) == 1) {  // 0: never waits here
      int error = 0;
      socklen_t size = sizeof error;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
      if (error != 0) throw std::runtime_error(std::string("connect: ") + std::strerror(error));
      return;
    }
    nest::sleep(1ms);  // the other users run meanwhile
  }
  throw std::runtime_error("connect: no answer in 5 s");
}

}  // namespace

class Measured : public nest::TaskSet {
 public:
  Measured() {
    wait_time(nest::constant(1ms));
    task(1, "publish", [] {
      nest::record("queue", "publish", 3ms);
      nest::record("queue", "publish", 5ms, "queue full");
    });
    task(1, "get user", [] { nest::measure("grpc", "GetUser", [] { nest::sleep(2ms); }); });
    task(1, "query", [] {
      nest::measure("db", "query", [] { throw std::runtime_error("no such table: orders"); });
    });
    task(1, "connect", [] {
      const char* target = std::getenv("NEST_TCP_TARGET");
      if (!target) return;
      std::string text(target);
      auto colon = text.rfind(':');
      nest::measure("tcp", "connect", [&] {
        connect_without_blocking(text.substr(0, colon), std::atoi(text.c_str() + colon + 1));
      });
    });
  }
};
NEST_TASKSET(Measured)
