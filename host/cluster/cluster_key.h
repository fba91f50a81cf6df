// The credentials of a distributed run: one CURVE secret key (ZeroMQ's CurveZMQ, Z85 text of 40
// characters) that the master and every worker hold in a file (--cluster-key FILE; made by
// nest-host --make-cluster-key FILE). With it, every message between them is encrypted and
// authenticated: the master is a CURVE server with that key, each worker a client with the
// same key pair, and the master's ZAP handler admits only clients that prove they hold it. A
// worker without the key (or with another) cannot join, nor read nor forge a message.
//
// A master listens beyond loopback only with a key (config: read_cluster_options).
#pragma once

#include <memory>
#include <string>
#include <zmq.hpp>

namespace nest::host {

struct ClusterKey {
  std::string secret;      // Z85, 40 characters
  std::string public_key;  // Z85, derived from the secret
};

// Writes a new key to `path` (mode 0600), refusing to replace a file there. Throws
// std::runtime_error naming the file.
void make_cluster_key_file(const std::string& path);

// Reads the key at `path`: one line of 40 Z85 characters (a trailing newline allowed). Throws
// std::runtime_error naming the file when it cannot be read, is not a key, or can be read by
// every user of the machine.
ClusterKey read_cluster_key(const std::string& path);

// The master's side: `socket` becomes a CURVE server with `key`, and this object answers the
// context's ZAP requests (on a thread of its own) for as long as it lives, admitting only
// clients whose long-term key is the cluster's. Refusals are said on stderr, once per address.
// Create it before the socket binds; destroy it before the context.
class KeyCheck {
 public:
  KeyCheck(zmq::context_t& context, zmq::socket_t& socket, const ClusterKey& key);
  ~KeyCheck();
  KeyCheck(const KeyCheck&) = delete;
  KeyCheck& operator=(const KeyCheck&) = delete;

 private:
  struct Handler;
  std::unique_ptr<Handler> handler_;
};

// A worker's side: `socket` becomes a CURVE client holding the cluster's key pair, expecting a
// server with the same key.
void use_cluster_key(zmq::socket_t& socket, const ClusterKey& key);

}  // namespace nest::host
