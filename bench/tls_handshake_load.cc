#include "bench/tls_handshake_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace keyward::bench {
namespace {

using SslCtxPtr = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;
using SslPtr = std::unique_ptr<SSL, decltype(&SSL_free)>;

// OpenSslErrors empties this thread's OpenSSL error queue into a string.
std::string OpenSslErrors() {
  std::string out;
  while (unsigned long error = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(error, text, sizeof text);
    absl::StrAppend(&out, out.empty() ? "" : "; ", text);
  }
  return out.empty() ? "no OpenSSL error" : out;
}

absl::StatusOr<SslCtxPtr> ClientContext(const HandshakeLoadOptions& options) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (ctx == nullptr) return absl::InternalError("SSL_CTX_new failed");
  const int version =
      options.tls_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (SSL_CTX_set_min_proto_version(ctx.get(), version) != 1 ||
      SSL_CTX_set_max_proto_version(ctx.get(), version) != 1) {
    return absl::InternalError("cannot pin the TLS version");
  }
  if (SSL_CTX_load_verify_locations(ctx.get(), options.ca_file.c_str(),
                                    nullptr) != 1) {
    return absl::InternalError(
        absl::StrCat("cannot load ", options.ca_file, ": ", OpenSslErrors()));
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  // Every connection is a full handshake: nothing to resume from.
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
  // The server closes the connection after its response without a
  // close_notify; that is the expected end here, not a truncation attack.
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
  return ctx;
}

// Fd closes a socket when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// OneConnection runs one connection to completion; OK when the response
// was a 200.
absl::Status OneConnection(SSL_CTX* ctx, const HandshakeLoadOptions& options) {
  Fd fd(socket(AF_INET, SOCK_STREAM, 0));
  if (fd.get() < 0) return absl::InternalError("socket failed");
  const int one = 1;
  setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(options.port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&address),
              sizeof address) != 0) {
    return absl::UnavailableError(absl::StrCat("connect: errno ", errno));
  }
  SslPtr ssl(SSL_new(ctx), SSL_free);
  if (ssl == nullptr || SSL_set_fd(ssl.get(), fd.get()) != 1 ||
      SSL_set_tlsext_host_name(ssl.get(), options.host.c_str()) != 1 ||
      SSL_set1_host(ssl.get(), options.host.c_str()) != 1) {
    return absl::InternalError(
        absl::StrCat("SSL setup: ", OpenSslErrors()));
  }
  if (const int rc = SSL_connect(ssl.get()); rc != 1) {
    const int error = SSL_get_error(ssl.get(), rc);
    return absl::UnavailableError(absl::StrCat(
        "handshake: SSL_get_error ", error,
        error == SSL_ERROR_SYSCALL ? absl::StrCat(" (errno ", errno, ")") : "",
        ": ", OpenSslErrors()));
  }
  const std::string request =
      absl::StrCat("GET / HTTP/1.0\r\nHost: ", options.host, "\r\n\r\n");
  if (SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())) !=
      static_cast<int>(request.size())) {
    return absl::UnavailableError(absl::StrCat("write: ", OpenSslErrors()));
  }
  std::string response;
  char buffer[4096];
  for (;;) {
    const int n = SSL_read(ssl.get(), buffer, sizeof buffer);
    if (n <= 0) break;
    response.append(buffer, static_cast<size_t>(n));
  }
  ERR_clear_error();
  if (!absl::StartsWith(response, "HTTP/1.") ||
      !absl::StrContains(response.substr(0, response.find('\n')), " 200 ")) {
    return absl::UnavailableError(
        absl::StrCat("response: \"", response.substr(0, 64), "\""));
  }
  return absl::OkStatus();
}

// Tally: what one client thread saw in the window.
struct Tally {
  int64_t handshakes = 0;
  int64_t errors = 0;
  std::string first_error;
  std::vector<int64_t> latencies_ns;
};

}  // namespace

absl::StatusOr<HandshakeLoadResult> RunHandshakeLoad(
    const HandshakeLoadOptions& options, const HandshakeWindowHooks& hooks) {
  if (options.port <= 0 || options.port > 65535 || options.connections < 1 ||
      options.host.empty() || options.duration <= absl::ZeroDuration() ||
      options.warmup < absl::ZeroDuration() ||
      (options.tls_version != "1.3" && options.tls_version != "1.2")) {
    return absl::InvalidArgumentError(
        "handshake load: port, host, connections >= 1, a positive duration "
        "and tls_version 1.2 or 1.3 are required");
  }
  absl::StatusOr<SslCtxPtr> ctx = ClientContext(options);
  if (!ctx.ok()) return ctx.status();

  const absl::Time opens = absl::Now() + options.warmup;
  const absl::Time closes = opens + options.duration;
  std::vector<Tally> tallies(static_cast<size_t>(options.connections));
  std::vector<std::thread> threads;
  for (Tally& tally : tallies) {
    threads.emplace_back([&options, &ctx, &tally, opens, closes] {
      for (;;) {
        const absl::Time start = absl::Now();
        if (start >= closes) return;
        const absl::Status done = OneConnection(ctx->get(), options);
        const absl::Time end = absl::Now();
        if (start < opens) continue;
        if (done.ok()) {
          ++tally.handshakes;
          tally.latencies_ns.push_back(absl::ToInt64Nanoseconds(end - start));
        } else {
          ++tally.errors;
          if (tally.first_error.empty()) tally.first_error = done.ToString();
        }
      }
    });
  }
  // The window's edges are points in time: this thread waits for them to
  // read the counters there; the load threads do not depend on it.
  absl::SleepFor(opens - absl::Now());
  if (hooks.opened) hooks.opened();
  absl::SleepFor(closes - absl::Now());
  if (hooks.closed) hooks.closed();
  for (std::thread& thread : threads) thread.join();

  HandshakeLoadResult result;
  result.window = options.duration;
  std::vector<int64_t> latencies;
  for (Tally& tally : tallies) {
    result.handshakes += tally.handshakes;
    result.errors += tally.errors;
    if (result.first_error.empty()) result.first_error = tally.first_error;
    latencies.insert(latencies.end(), tally.latencies_ns.begin(),
                     tally.latencies_ns.end());
  }
  result.latency = Summarize(std::move(latencies));
  return result;
}

}  // namespace keyward::bench
