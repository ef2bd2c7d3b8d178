#include "clients/edge/https_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "clients/edge/log.h"
#include "clients/edge/openssl_errors.h"
#include "clients/openssl_provider/openssl_ptr.h"

namespace keyward::edge {
namespace {

// kMaxRequestHead: a request head longer than this is answered anyway.
constexpr size_t kMaxRequestHead = 16 * 1024;

// SplitListenAddress splits "host:port" / "[v6]:port".
bool SplitListenAddress(const std::string& address, std::string* host,
                        std::string* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = address.substr(0, colon);
  *port = address.substr(colon + 1);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  int number = 0;
  return absl::SimpleAtoi(*port, &number) && number >= 0 && number <= 65535;
}

std::string PeerName(const sockaddr_storage& address) {
  char host[INET6_ADDRSTRLEN] = {};
  int port = 0;
  if (address.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    port = ntohs(in6->sin6_port);
  }
  return absl::StrCat(host, ":", port);
}

void SetTimeouts(int fd, absl::Duration timeout) {
  const timeval tv = absl::ToTimeval(timeout);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

std::string HandshakeSummary(SSL* ssl, const std::string& peer) {
  const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  const int version = SSL_version(ssl);
  const char* ems = "-";
  if (version == TLS1_2_VERSION) {
    ems = SSL_get_extms_support(ssl) == 1 ? "yes" : "no";
  }
  X509* leaf = SSL_get_certificate(ssl);
  char name[256] = "-";
  if (leaf != nullptr) {
    X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, name,
                              sizeof name);
  }
  return absl::StrCat("peer=", peer, " sni=", sni != nullptr ? sni : "-",
                      " site=", name, " version=", SSL_get_version(ssl),
                      " cipher=", SSL_get_cipher_name(ssl), " ems=", ems);
}

// WriteAll writes `data` completely; false on error.
bool WriteAll(SSL* ssl, absl::string_view data) {
  while (!data.empty()) {
    const int n = SSL_write(ssl, data.data(), static_cast<int>(data.size()));
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpsServer>> HttpsServer::Start(
    const HttpsServerOptions& options, const SniRouter* router) {
  std::string host, port;
  if (!SplitListenAddress(options.listen_address, &host, &port)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "listen address \"", options.listen_address, "\" is not host:port"));
  }
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen address \"", options.listen_address,
                     "\": the host must be an IP address"));
  }
  const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(fd, found->ai_addr, found->ai_addrlen) != 0 ||
      listen(fd, 128) != 0) {
    const int error = errno;
    freeaddrinfo(found);
    if (fd >= 0) close(fd);
    return absl::UnavailableError(absl::StrCat("cannot listen on ",
                                               options.listen_address, ": ",
                                               std::strerror(error)));
  }
  freeaddrinfo(found);
  sockaddr_storage bound = {};
  socklen_t length = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  const int bound_port =
      bound.ss_family == AF_INET6
          ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
          : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  std::unique_ptr<HttpsServer> server(
      new HttpsServer(options, router, fd, bound_port));
  server->acceptor_ = std::thread(&HttpsServer::AcceptLoop, server.get());
  return server;
}

HttpsServer::HttpsServer(const HttpsServerOptions& options,
                         const SniRouter* router, int listen_fd, int port)
    : options_(options), router_(router), listen_fd_(listen_fd), port_(port) {}

HttpsServer::~HttpsServer() {
  Stop();
  close(listen_fd_);
}

void HttpsServer::Stop() {
  if (stopping_.exchange(true)) return;
  // Wakes the blocked accept(2).
  shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock,
             [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return active_ == 0; });
}

void HttpsServer::AcceptLoop() {
  while (!stopping_.load()) {
    sockaddr_storage address = {};
    socklen_t length = sizeof address;
    const int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&address),
                           &length, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (!stopping_.load()) {
        Log(absl::StrCat("accept failed: ", std::strerror(errno)));
      }
      return;
    }
    std::string peer = PeerName(address);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (active_ >= options_.max_connections) {
        Log(absl::StrCat("refused: peer=", peer, ": ", active_,
                         " connections in progress"));
        close(fd);
        continue;
      }
      ++active_;
    }
    std::thread(&HttpsServer::Serve, this, fd, std::move(peer)).detach();
  }
}

void HttpsServer::Serve(int fd, std::string peer) {
  SetTimeouts(fd, options_.io_timeout);
  {
    openssl::SslPtr ssl(SSL_new(router_->initial_ctx()));
    if (ssl == nullptr || SSL_set_fd(ssl.get(), fd) != 1) {
      Log(absl::StrCat("connection failed: peer=", peer, ": ",
                       TakeOpenSslErrors()));
    } else if (SSL_accept(ssl.get()) != 1) {
      const char* sni =
          SSL_get_servername(ssl.get(), TLSEXT_NAMETYPE_host_name);
      Log(absl::StrCat("handshake failed: peer=", peer, " sni=",
                       sni != nullptr ? sni : "-", ": ", TakeOpenSslErrors()));
    } else {
      Log(absl::StrCat("handshake: ", HandshakeSummary(ssl.get(), peer)));
      std::string head;
      char buffer[4096];
      while (!absl::StrContains(head, "\r\n\r\n") &&
             head.size() < kMaxRequestHead) {
        const int n = SSL_read(ssl.get(), buffer, sizeof buffer);
        if (n <= 0) break;
        head.append(buffer, static_cast<size_t>(n));
      }
      if (!head.empty()) {
        const std::string response = absl::StrCat(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            "Content-Length: ",
            options_.response_body.size(), "\r\nConnection: close\r\n\r\n",
            options_.response_body);
        if (WriteAll(ssl.get(), response)) SSL_shutdown(ssl.get());
      }
      ERR_clear_error();
    }
  }
  close(fd);
  std::lock_guard<std::mutex> lock(mu_);
  --active_;
  idle_.notify_all();
}

}  // namespace keyward::edge
