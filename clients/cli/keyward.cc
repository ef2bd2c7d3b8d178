// keyward: command-line client of the Keyward key service.
//
//   keyward --endpoint=HOST:PORT --ca=CA.crt --cert=EDGE.crt --key=EDGE.key
//           <command>
//
// Commands:
//   health   asks grpc.health.v1.Health whether the server is serving.
//
// Exit codes: 0 success; 1 the call failed or the server is not serving;
// 2 usage or local configuration error.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cpp/channel.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"

ABSL_FLAG(std::string, endpoint, "127.0.0.1:8443", "Server address host:port.");
ABSL_FLAG(std::string, ca, "", "PEM CA bundle that signed the server.");
ABSL_FLAG(std::string, cert, "", "PEM client certificate.");
ABSL_FLAG(std::string, key, "", "PEM client private key.");
ABSL_FLAG(std::string, server_name, "",
          "Name to verify in the server certificate (default: endpoint host).");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(5), "Deadline of each call.");
ABSL_FLAG(std::string, service, "", "health: service name to ask about.");

namespace keyward::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "keyward: %s\n", message.c_str());
  return code;
}

int Health(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(
      absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(absl::GetFlag(FLAGS_service));
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) {
    return Fail(kExitFailed, absl::StrCat("health: ", status.error_code(), " ",
                                          status.error_message()));
  }
  std::printf("%s\n", grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                          response.status())
                          .c_str());
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING
             ? kExitOk
             : kExitFailed;
}

int Main(const std::vector<char*>& args) {
  if (args.size() != 2) {
    return Fail(kExitUsage, "expected one command; see --help");
  }
  client::ChannelOptions options{
      absl::GetFlag(FLAGS_endpoint), absl::GetFlag(FLAGS_ca),
      absl::GetFlag(FLAGS_cert), absl::GetFlag(FLAGS_key),
      absl::GetFlag(FLAGS_server_name)};
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      client::CreateMutualTlsChannel(options);
  if (!channel.ok()) {
    return Fail(kExitUsage, std::string(channel.status().message()));
  }
  std::string command = args[1];
  if (command == "health") return Health(*channel);
  return Fail(kExitUsage,
              absl::StrCat("unknown command \"", command, "\"; see --help"));
}

}  // namespace
}  // namespace keyward::cli

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "keyward --endpoint=HOST:PORT --ca=CA --cert=CERT --key=KEY <command>\n"
      "Commands:\n  health  report whether the server is serving\n"
      "Exit codes: 0 ok, 1 call failed or not serving, 2 usage error.");
  return keyward::cli::Main(absl::ParseCommandLine(argc, argv));
}
