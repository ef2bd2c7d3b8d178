#include "service/server_config.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "service/network_address.h"

namespace keyward::service {
namespace {

// Collects the text-format parser's first complaint.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (message_.empty()) {
      message_ = absl::StrCat("line ", line + 1, " column ", column + 1, ": ",
                              message);
    }
  }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

}  // namespace

absl::StatusOr<config::ServerConfig> ParseServerConfig(absl::string_view text) {
  config::ServerConfig out;
  FirstError errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &out)) {
    return absl::InvalidArgumentError(errors.message());
  }
  if (out.listen_address().empty()) {
    out.set_listen_address(std::string(kDefaultListenAddress));
  }
  if (out.shutdown_grace_seconds() == 0) {
    out.set_shutdown_grace_seconds(kDefaultShutdownGraceSeconds);
  }
  return out;
}

absl::StatusOr<config::ServerConfig> ReadServerConfigFile(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<config::ServerConfig> parsed = ParseServerConfig(text.str());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", parsed.status().message()));
  }
  return parsed;
}

absl::Status ValidateServerConfig(const config::ServerConfig& config) {
  absl::StatusOr<ListenAddress> address =
      ParseListenAddress(config.listen_address());
  if (!address.ok()) return address.status();
  if (!config.has_tls()) {
    if (!IsLoopback(*address)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refusing to listen on ", config.listen_address(),
          " without TLS: it is not a loopback address; configure tls { "
          "server_cert_file server_key_file client_ca_file }"));
    }
    if (!config.allow_plaintext_on_loopback()) {
      return absl::FailedPreconditionError(
          "no tls block: set tls { ... } or, for loopback only, "
          "allow_plaintext_on_loopback: true");
    }
    return absl::OkStatus();
  }
  const config::TlsConfig& tls = config.tls();
  if (tls.server_cert_file().empty()) {
    return absl::InvalidArgumentError("tls.server_cert_file is empty");
  }
  if (tls.server_key_file().empty()) {
    return absl::InvalidArgumentError("tls.server_key_file is empty");
  }
  if (tls.client_ca_file().empty()) {
    return absl::InvalidArgumentError(
        "tls.client_ca_file is empty: clients must present certificates");
  }
  return absl::OkStatus();
}

}  // namespace keyward::service
