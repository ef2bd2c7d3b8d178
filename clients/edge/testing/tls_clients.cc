#include "clients/edge/testing/tls_clients.h"

#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "clients/edge/testing/certificates.h"
#include "nlohmann/json.hpp"
#include "tests/support/child_process.h"
#include "tests/support/dev_keystore.h"

namespace keyward::edge::testing {
namespace {

using ::keyward::testing::ProcessResult;
using ::keyward::testing::RunProcess;

constexpr absl::Duration kClientTimeout = absl::Seconds(60);

std::vector<std::string> Environment(const TlsRequest& request) {
  if (request.openssl_conf.empty()) return {};
  return {"OPENSSL_CONF=" + request.openssl_conf};
}

// ValueAfter returns the rest of the first line of `text` that starts (after
// leading blanks) with `label`, trimmed; empty when there is none.
std::string ValueAfter(absl::string_view text, absl::string_view label) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::string_view stripped = absl::StripLeadingAsciiWhitespace(line);
    if (absl::ConsumePrefix(&stripped, label)) {
      return std::string(absl::StripAsciiWhitespace(stripped));
    }
  }
  return "";
}

// ResponseBody finds the HTTP response in `text` and returns its body (of
// Content-Length bytes when given, else the rest); false when there is no
// complete 200 response.
bool ResponseBody(absl::string_view text, std::string* body) {
  size_t at = text.find("HTTP/1.1 200 ");
  if (at == absl::string_view::npos) at = text.find("HTTP/1.0 200 ");
  if (at == absl::string_view::npos) return false;
  const size_t head_end = text.find("\r\n\r\n", at);
  if (head_end == absl::string_view::npos) return false;
  const absl::string_view head = text.substr(at, head_end - at);
  const absl::string_view rest = text.substr(head_end + 4);
  const std::string length =
      ValueAfter(absl::StrReplaceAll(head, {{"\r", ""}}), "Content-Length:");
  size_t size = 0;
  if (length.empty()) {
    *body = std::string(rest);
    return true;
  }
  if (!absl::SimpleAtoi(length, &size) || rest.size() < size) return false;
  *body = std::string(rest.substr(0, size));
  return true;
}

std::string Request(const TlsRequest& request) {
  return absl::StrCat("GET / HTTP/1.1\r\nHost: ", request.host,
                      "\r\nConnection: close\r\n\r\n");
}

absl::StatusOr<TlsResult> RunSClient(const TlsRequest& request) {
  std::vector<std::string> argv = {
      "/usr/bin/openssl",
      "s_client",
      "-connect",
      absl::StrCat("127.0.0.1:", request.port),
      "-servername",
      request.host,
      "-verify_hostname",
      request.host,
      "-CAfile",
      request.ca_file,
      "-verify_return_error",
      "-ign_eof",
      request.version == "1.3" ? "-tls1_3" : "-tls1_2"};
  if (!request.cipher.empty()) {
    argv.insert(argv.end(), {"-cipher", request.cipher});
  }
  if (!request.sigalgs.empty()) {
    argv.insert(argv.end(), {"-sigalgs", request.sigalgs});
  }
  absl::StatusOr<ProcessResult> run =
      RunProcess(argv, Environment(request), Request(request), kClientTimeout);
  if (!run.ok()) return run.status();
  TlsResult result;
  result.transcript = absl::StrCat("exit ", run->exit_code, "\nstdout:\n",
                                   run->out, "\nstderr:\n", run->err);
  result.version = ValueAfter(run->out, "Protocol  :");
  result.cipher = ValueAfter(run->out, "Cipher    :");
  result.extended_master_secret =
      ValueAfter(run->out, "Extended master secret:");
  if (request.version == "1.3") result.extended_master_secret.clear();
  const size_t pem_begin = run->out.find("-----BEGIN CERTIFICATE-----");
  const size_t pem_end = run->out.find("-----END CERTIFICATE-----");
  if (pem_begin != std::string::npos && pem_end != std::string::npos) {
    absl::StatusOr<LeafCertificate> leaf = ParseLeafPem(run->out.substr(
        pem_begin,
        pem_end + std::strlen("-----END CERTIFICATE-----") - pem_begin));
    if (leaf.ok()) {
      result.certificate_sha256 = leaf->sha256;
      result.certificate_cn = leaf->common_name;
    }
  }
  result.ok = run->exit_code == 0 && ResponseBody(run->out, &result.body);
  return result;
}

absl::StatusOr<TlsResult> RunCurl(const TlsRequest& request) {
  const std::string authority = absl::StrCat(request.host, ":", request.port);
  std::vector<std::string> argv = {
      "/usr/bin/curl",
      "--silent",
      "--show-error",
      "--verbose",
      "--max-time",
      "30",
      "--cacert",
      request.ca_file,
      "--resolve",
      absl::StrCat(authority, ":127.0.0.1"),
      request.version == "1.3" ? "--tlsv1.3" : "--tlsv1.2",
      "--tls-max",
      request.version};
  if (!request.cipher.empty()) {
    argv.insert(argv.end(), {"--ciphers", request.cipher});
  }
  argv.push_back(absl::StrCat("https://", authority, "/"));
  absl::StatusOr<ProcessResult> run =
      RunProcess(argv, Environment(request), "", kClientTimeout);
  if (!run.ok()) return run.status();
  TlsResult result;
  result.transcript = absl::StrCat("exit ", run->exit_code, "\nstdout:\n",
                                   run->out, "\nstderr:\n", run->err);
  // "* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384"
  const std::string connection = ValueAfter(run->err, "* SSL connection using");
  std::vector<std::string> parts = absl::StrSplit(connection, " / ");
  if (parts.size() == 2) {
    result.version = parts[0];
    result.cipher = parts[1];
  }
  // "*  subject: O=Keyward Dev; CN=DNS:rsa-2048.dev.keyward.test"
  const std::string subject = ValueAfter(run->err, "*  subject:");
  const size_t cn = subject.find("CN=");
  if (cn != std::string::npos) {
    result.certificate_cn =
        subject.substr(cn + 3, subject.find(';', cn) - (cn + 3));
  }
  result.body = run->out;
  result.ok =
      run->exit_code == 0 && absl::StrContains(run->err, "< HTTP/1.1 200 ");
  return result;
}

absl::StatusOr<TlsResult> RunPython(const TlsRequest& request) {
  std::vector<std::string> argv = {
      "/usr/bin/python3",
      keyward::testing::RunfilePath("clients/edge/testing/tls_get.py"),
      absl::StrCat(request.port),
      request.host,
      request.ca_file,
      request.version};
  if (!request.cipher.empty()) argv.push_back(request.cipher);
  absl::StatusOr<ProcessResult> run =
      RunProcess(argv, Environment(request), "", kClientTimeout);
  if (!run.ok()) return run.status();
  TlsResult result;
  result.transcript = absl::StrCat("exit ", run->exit_code, "\nstdout:\n",
                                   run->out, "\nstderr:\n", run->err);
  if (run->exit_code != 0) return result;
  const nlohmann::json parsed =
      nlohmann::json::parse(run->out, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return result;
  result.version = parsed.value("version", "");
  result.cipher = parsed.value("cipher", "");
  result.certificate_sha256 = parsed.value("certificate_sha256", "");
  result.body = parsed.value("body", "");
  result.ok = true;
  return result;
}

}  // namespace

std::string TlsClientName(TlsClient client) {
  switch (client) {
    case TlsClient::kOpenSslSClient:
      return "SClient";
    case TlsClient::kCurl:
      return "Curl";
    case TlsClient::kPython:
      return "Python";
  }
  return "";
}

void PrintTo(TlsClient client, std::ostream* out) {
  *out << TlsClientName(client);
}

absl::StatusOr<TlsResult> RunTlsClient(TlsClient client,
                                       const TlsRequest& request) {
  switch (client) {
    case TlsClient::kOpenSslSClient:
      return RunSClient(request);
    case TlsClient::kCurl:
      return RunCurl(request);
    case TlsClient::kPython:
      return RunPython(request);
  }
  return absl::InvalidArgumentError("unknown client");
}

}  // namespace keyward::edge::testing
