#include "cluster/cluster_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace nest::host {
namespace {

constexpr std::size_t kZ85Length = 40;

std::runtime_error key_error(const std::string& path, const std::string& what) {
  return std::runtime_error("--cluster-key " + path + ": " + what);
}

}  // namespace

void make_cluster_key_file(const std::string& path) {
  char public_key[41], secret[41];
  if (zmq_curve_keypair(public_key, secret) != 0) {
    throw std::runtime_error("--make-cluster-key: this libzmq has no CURVE support");
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string why = errno == EEXIST ? "a file is there already (a key is never replaced: "
                                        "remove it first)"
                                      : std::strerror(errno);
    throw std::runtime_error("--make-cluster-key " + path + ": " + why);
  }
  std::string line = std::string(secret) + "\n";
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  bool closed = ::close(fd) == 0;
  if (!written || !closed) {
    ::unlink(path.c_str());
    throw std::runtime_error("--make-cluster-key " + path + ": cannot be written");
  }
}

ClusterKey read_cluster_key(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw key_error(path, std::strerror(errno));
  if (st.st_mode & S_IROTH) {
    throw key_error(path, "can be read by every user of this machine: chmod 600 (or 640) it");
  }
  std::ifstream in(path);
  std::string line, more;
  if (!in || !std::getline(in, line)) throw key_error(path, "cannot be read");
  if (std::getline(in, more) && !more.empty()) {
    throw key_error(path, "line 2: a key file holds one line (nest-host --make-cluster-key)");
  }
  if (line.size() != kZ85Length) {
    throw key_error(path, "line 1: not a key: " + std::to_string(kZ85Length) +
                              " characters expected, " + std::to_string(line.size()) +
                              " found (make one with nest-host --make-cluster-key FILE)");
  }
  ClusterKey key;
  key.secret = line;
  char public_key[41];
  std::uint8_t raw[32];
  if (zmq_z85_decode(raw, line.c_str()) == nullptr || zmq_curve_public(public_key, line.c_str()) != 0) {
    throw key_error(path, "line 1: not a key (not Z85 text; make one with nest-host "
                          "--make-cluster-key FILE)");
  }
  key.public_key = public_key;
  return key;
}

// ZeroMQ's authentication protocol (ZAP, RFC 27): the context sends each handshake's
// credentials to inproc://zeromq.zap.01 and waits for a verdict.
struct KeyCheck::Handler {
  zmq::socket_t socket;
  std::uint8_t allowed[32];
  std::atomic<bool> done{false};
  std::set<std::string> said;  // the addresses whose refusal was said
  std::thread thread;

  Handler(zmq::context_t& context, const ClusterKey& key) : socket(context, zmq::socket_type::rep) {
    zmq_z85_decode(allowed, key.public_key.c_str());
    socket.set(zmq::sockopt::linger, 0);
    socket.bind("inproc://zeromq.zap.01");
    thread = std::thread([this] { serve(); });
  }

  void serve() {
    while (!done.load()) {
      zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
      if (zmq::poll(&item, 1, std::chrono::milliseconds(100)) <= 0) continue;
      std::vector<zmq::message_t> frames;
      do {
        zmq::message_t frame;
        if (!socket.recv(frame, zmq::recv_flags::none)) break;
        bool more = frame.more();
        frames.push_back(std::move(frame));
        if (!more) break;
      } while (true);
      // version, request id, domain, address, routing id, mechanism, credentials...
      bool ok = frames.size() == 7 && frames[5].to_string() == "CURVE" && frames[6].size() == 32 &&
                std::memcmp(frames[6].data(), allowed, 32) == 0;
      std::string address = frames.size() > 3 ? frames[3].to_string() : "?";
      if (!ok && said.insert(address).second) {
        std::fprintf(stderr, "nest-host: refused a worker at %s: it holds another --cluster-key\n",
                     address.c_str());
      }
      std::string id = frames.size() > 1 ? frames[1].to_string() : "";
      socket.send(zmq::str_buffer("1.0"), zmq::send_flags::sndmore);
      socket.send(zmq::buffer(id), zmq::send_flags::sndmore);
      socket.send(zmq::buffer(std::string(ok ? "200" : "400")), zmq::send_flags::sndmore);
      socket.send(zmq::buffer(std::string(ok ? "OK" : "another key")), zmq::send_flags::sndmore);
      socket.send(zmq::str_buffer(""), zmq::send_flags::sndmore);  // user id
      socket.send(zmq::str_buffer(""), zmq::send_flags::none);     // metadata
    }
  }
};

KeyCheck::KeyCheck(zmq::context_t& context, zmq::socket_t& socket, const ClusterKey& key)
    : handler_(std::make_unique<Handler>(context, key)) {
  socket.set(zmq::sockopt::curve_server, 1);
  socket.set(zmq::sockopt::curve_secretkey, key.secret);
}

KeyCheck::~KeyCheck() {
  handler_->done.store(true);
  handler_->thread.join();
}

void use_cluster_key(zmq::socket_t& socket, const ClusterKey& key) {
  socket.set(zmq::sockopt::curve_serverkey, key.public_key);
  socket.set(zmq::sockopt::curve_publickey, key.public_key);
  socket.set(zmq::sockopt::curve_secretkey, key.secret);
}

}  // namespace nest::host
