#include "keystore/evp_signer.h"

#include <utility>

#include "keystore/evp_signature.h"

namespace keyward::keystore {

absl::StatusOr<std::string> EvpSigner::SignDigest(
    v1::SignatureScheme scheme, absl::string_view digest) const {
  EvpPkeyCtxPtr ctx;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<EvpPkeyCtxPtr>& idle = idle_[scheme];
    if (!idle.empty()) {
      ctx = std::move(idle.back());
      idle.pop_back();
    }
  }
  if (ctx == nullptr) {
    absl::StatusOr<EvpPkeyCtxPtr> fresh = NewSignContext(key_, scheme);
    if (!fresh.ok()) return fresh.status();
    ctx = *std::move(fresh);
  }
  absl::StatusOr<std::string> signature = SignWithContext(ctx.get(), digest);
  if (signature.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<EvpPkeyCtxPtr>& idle = idle_[scheme];
    if (idle.size() < kMaxIdlePerScheme) idle.push_back(std::move(ctx));
  }
  return signature;
}

}  // namespace keyward::keystore
