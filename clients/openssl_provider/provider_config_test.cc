#include "clients/openssl_provider/provider_config.h"

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace keyward::provider {
namespace {

Lookup From(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(MergeSettingsTest, ConfigurationWinsOverEnvironment) {
  ProviderSettings settings =
      MergeSettings(From({{"endpoint", "10.0.0.1:8443"}, {"ca", ""}}),
                    From({{"KEYWARD_ENDPOINT", "127.0.0.1:1"},
                          {"KEYWARD_CA", "/env/ca.crt"},
                          {"KEYWARD_TIMEOUT", "750ms"}}));
  EXPECT_EQ(settings.endpoint, "10.0.0.1:8443");
  EXPECT_EQ(settings.ca, "/env/ca.crt");
  EXPECT_EQ(settings.cert, "");
  EXPECT_EQ(settings.timeout, "750ms");
}

ProviderSettings Complete() {
  return ProviderSettings{"10.0.0.1:8443, 10.0.0.2:8443", "/ca.crt",
                          "/edge.crt", "/edge.key", "750ms"};
}

TEST(ClientOptionsFromTest, SplitsEndpointsAndParsesTheTimeout) {
  absl::StatusOr<client::KeywardClientOptions> options =
      ClientOptionsFrom(Complete());
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->endpoints,
            (std::vector<std::string>{"10.0.0.1:8443", "10.0.0.2:8443"}));
  EXPECT_EQ(options->ca_file, "/ca.crt");
  EXPECT_EQ(options->cert_file, "/edge.crt");
  EXPECT_EQ(options->key_file, "/edge.key");
  EXPECT_EQ(options->default_timeout, absl::Milliseconds(750));

  ProviderSettings no_timeout = Complete();
  no_timeout.timeout = "";
  EXPECT_EQ(ClientOptionsFrom(no_timeout)->default_timeout, absl::Seconds(2));
}

TEST(ClientOptionsFromTest, NamesWhatIsMissingOrMalformed) {
  ProviderSettings no_key = Complete();
  no_key.key = "";
  absl::StatusOr<client::KeywardClientOptions> options =
      ClientOptionsFrom(no_key);
  EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(options.status().message().find("KEYWARD_KEY"), std::string::npos)
      << options.status();

  ProviderSettings commas = Complete();
  commas.endpoint = " , ";
  EXPECT_NE(ClientOptionsFrom(commas).status().message().find("endpoint"),
            std::string::npos);

  for (const char* timeout : {"2", "-1s", "0s", "soon"}) {
    ProviderSettings bad = Complete();
    bad.timeout = timeout;
    EXPECT_EQ(ClientOptionsFrom(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << timeout;
  }
}

}  // namespace
}  // namespace keyward::provider
