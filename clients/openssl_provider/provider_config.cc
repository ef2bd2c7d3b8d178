#include "clients/openssl_provider/provider_config.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"

namespace keyward::provider {
namespace {

// Setting: one setting's two names and where it is kept.
struct Setting {
  const char* config_key;
  const char* environment_variable;
  std::string ProviderSettings::*field;
};

constexpr Setting kSettings[] = {
    {"endpoint", "KEYWARD_ENDPOINT", &ProviderSettings::endpoint},
    {"ca", "KEYWARD_CA", &ProviderSettings::ca},
    {"cert", "KEYWARD_CERT", &ProviderSettings::cert},
    {"key", "KEYWARD_KEY", &ProviderSettings::key},
    {"timeout", "KEYWARD_TIMEOUT", &ProviderSettings::timeout},
};

absl::Status Missing(const Setting& setting) {
  return absl::InvalidArgumentError(
      absl::StrCat("provider setting ", setting.config_key, " (",
                   setting.environment_variable, ") is not set"));
}

}  // namespace

ProviderSettings MergeSettings(const Lookup& config,
                               const Lookup& environment) {
  ProviderSettings out;
  for (const Setting& setting : kSettings) {
    std::optional<std::string> value = config(setting.config_key);
    if (!value.has_value() || value->empty()) {
      value = environment(setting.environment_variable);
    }
    if (value.has_value()) out.*setting.field = *std::move(value);
  }
  return out;
}

absl::StatusOr<client::KeywardClientOptions> ClientOptionsFrom(
    const ProviderSettings& settings) {
  for (const Setting& setting : kSettings) {
    if (setting.field != &ProviderSettings::timeout &&
        (settings.*setting.field).empty()) {
      return Missing(setting);
    }
  }
  client::KeywardClientOptions out;
  for (absl::string_view endpoint :
       absl::StrSplit(settings.endpoint, ',', absl::SkipWhitespace())) {
    out.endpoints.emplace_back(absl::StripAsciiWhitespace(endpoint));
  }
  if (out.endpoints.empty()) return Missing(kSettings[0]);
  out.ca_file = settings.ca;
  out.cert_file = settings.cert;
  out.key_file = settings.key;
  if (!settings.timeout.empty()) {
    absl::Duration timeout;
    if (!absl::ParseDuration(settings.timeout, &timeout) ||
        timeout <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "provider setting timeout (KEYWARD_TIMEOUT): \"", settings.timeout,
          "\" is not a positive duration such as \"2s\" or \"500ms\""));
    }
    out.default_timeout = timeout;
  }
  return out;
}

}  // namespace keyward::provider
