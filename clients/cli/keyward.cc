// keyward: command-line client of the Keyward key service.
//
//   keyward [connection flags] <command> [command flags]
//   keyward <command> --help
//
// Connection flags default to the environment variables KEYWARD_ENDPOINT,
// KEYWARD_CA, KEYWARD_CERT and KEYWARD_KEY, so that after `scripts/run`
// prints them nothing else is needed.
//
// Exit codes (stable, for scripts):
//   0  success
//   1  the service answered with an error (the line names the gRPC code)
//   2  usage error: unknown command or flag, missing or bad flag value,
//      unreadable file
//   3  the service could not be reached in time (UNAVAILABLE,
//      DEADLINE_EXCEEDED)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "clients/cli/commands.h"
#include "clients/cpp/keyward_client.h"
#include "third_party/absl_deadlock_detection.h"

namespace {

std::string Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

ABSL_FLAG(std::string, endpoint, Env("KEYWARD_ENDPOINT", "127.0.0.1:8443"),
          "Server address(es), host:port, comma-separated for replicas "
          "($KEYWARD_ENDPOINT).");
ABSL_FLAG(std::string, ca, Env("KEYWARD_CA", ""),
          "PEM CA bundle that signed the server ($KEYWARD_CA).");
ABSL_FLAG(std::string, cert, Env("KEYWARD_CERT", ""),
          "PEM client certificate ($KEYWARD_CERT).");
ABSL_FLAG(std::string, key, Env("KEYWARD_KEY", ""),
          "PEM client private key ($KEYWARD_KEY).");
ABSL_FLAG(std::string, server_name, "",
          "Name to verify in the server certificate (default: endpoint "
          "host).");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(5), "Deadline of the call.");

namespace keyward::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitServiceError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;

std::string Usage() {
  std::string out =
      "keyward [--endpoint=HOST:PORT --ca=CA --cert=CERT --key=KEY] "
      "<command> [flags]\n\nCommands:\n";
  for (const Command& command : Commands()) {
    absl::StrAppend(&out, "  ", command.name,
                    std::string(20 - std::strlen(command.name), ' '),
                    command.summary, "\n");
  }
  absl::StrAppend(
      &out,
      "\nConnection flags (environment variable; default):\n"
      "  --endpoint=HOST:PORT[,...]  replicas (KEYWARD_ENDPOINT; "
      "127.0.0.1:8443)\n"
      "  --ca=FILE                   PEM CA of the server (KEYWARD_CA)\n"
      "  --cert=FILE, --key=FILE     PEM client certificate and key\n"
      "                              (KEYWARD_CERT, KEYWARD_KEY)\n"
      "  --server_name=NAME          name to verify in the server "
      "certificate\n"
      "  --timeout=DURATION          deadline of the call (5s)\n");
  absl::StrAppend(&out,
                  "\n`keyward <command> --help` shows a command's flags.\n"
                  "Bytes flags take hex, base64:..., or @file (@- for "
                  "stdin).\nExit codes: 0 ok, 1 service error, 2 usage, 3 "
                  "unreachable.\n");
  return out;
}

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "keyward: %s\n", message.c_str());
  return code;
}

// CheckFlags finds the flag mistakes that absl::ParseCommandLine would
// answer with several lines and exit code 1: an unknown flag, a value that
// does not parse, a missing value. Flags are --name=value (or --name for a
// boolean); "--" ends them. The values it parses are set again, the same,
// by ParseCommandLine.
absl::Status CheckFlags(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;
    absl::string_view body = absl::StripPrefix(arg.substr(1), "-");
    size_t equals = body.find('=');
    absl::string_view name = body.substr(0, equals);
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown flag --", name, "; see keyward <command> --help"));
    }
    if (equals == absl::string_view::npos) {
      if (flag->IsOfType<bool>()) continue;
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " needs a value: --", name, "=VALUE"));
    }
    std::string error;
    if (!flag->ParseFrom(body.substr(equals + 1), &error)) {
      return absl::InvalidArgumentError(error);
    }
  }
  return absl::OkStatus();
}

int Main(int argc, char** argv) {
  // `keyward <command> --help`: the command's own help, not every flag.
  for (int i = 1; i + 1 < argc; ++i) {
    const Command* command = FindCommand(argv[i]);
    if (command == nullptr) continue;
    for (int j = i + 1; j < argc; ++j) {
      if (std::strcmp(argv[j], "--help") == 0 ||
          std::strcmp(argv[j], "-h") == 0) {
        std::printf("keyward %s: %s\n%s\n", command->name, command->summary,
                    command->help);
        return kExitOk;
      }
    }
  }
  // `keyward --help`: the commands, not every flag of every library.
  for (int i = 1; i < argc && std::strcmp(argv[i], "--") != 0; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 ||
        std::strcmp(argv[i], "-h") == 0) {
      std::printf("%s", Usage().c_str());
      return kExitOk;
    }
  }
  absl::Status flags = CheckFlags(argc, argv);
  if (!flags.ok()) return Fail(kExitUsage, std::string(flags.message()));
  absl::SetProgramUsageMessage(Usage());
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2 || std::strcmp(args[1], "help") == 0) {
    std::printf("%s", Usage().c_str());
    return args.size() < 2 ? kExitUsage : kExitOk;
  }
  if (args.size() > 2) {
    return Fail(kExitUsage, absl::StrCat("unexpected argument \"", args[2],
                                         "\"; flags are --name=value"));
  }
  const Command* command = FindCommand(args[1]);
  if (command == nullptr) {
    return Fail(kExitUsage, absl::StrCat("unknown command \"", args[1],
                                         "\"; see keyward help"));
  }
  client::KeywardClientOptions options;
  options.endpoints =
      absl::StrSplit(absl::GetFlag(FLAGS_endpoint), ',', absl::SkipEmpty());
  options.ca_file = absl::GetFlag(FLAGS_ca);
  options.cert_file = absl::GetFlag(FLAGS_cert);
  options.key_file = absl::GetFlag(FLAGS_key);
  options.server_name = absl::GetFlag(FLAGS_server_name);
  options.default_timeout = absl::GetFlag(FLAGS_timeout);
  absl::StatusOr<std::unique_ptr<client::KeywardClient>> client =
      client::KeywardClient::Create(options);
  if (!client.ok()) {
    return Fail(kExitUsage, std::string(client.status().message()));
  }
  absl::Status status = command->run(**client);
  if (status.ok()) return kExitOk;
  if (IsUsageError(status)) {
    return Fail(kExitUsage, std::string(status.message()));
  }
  std::string line =
      absl::StrCat(command->name, ": ", absl::StatusCodeToString(status.code()),
                   ": ", status.message());
  if (absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status)) {
    return Fail(kExitUnreachable, line);
  }
  return Fail(kExitServiceError, line);
}

}  // namespace
}  // namespace keyward::cli

int main(int argc, char** argv) {
  keyward::TurnOffAbslDeadlockDetection();
  return keyward::cli::Main(argc, argv);
}
