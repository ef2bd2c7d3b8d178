#include "keystore/pkcs11/module.h"

#include <dlfcn.h>

#include <map>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "keystore/pkcs11/return_value.h"

namespace keyward::keystore::pkcs11 {
namespace {

// Registry: path -> module, for the life of the process (never destroyed,
// so no exit-time destructor races a thread still using a module).
struct Registry {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<const Module>> modules;  // by mu
};

Registry& GetRegistry() {
  static Registry* const registry = new Registry();
  return *registry;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Module>> Module::Load(
    const std::string& path) {
  if (path.empty() || path[0] != '/') {
    return absl::FailedPreconditionError(absl::StrCat(
        "PKCS #11 module \"", path, "\": the path must be absolute"));
  }
  Registry& registry = GetRegistry();
  std::lock_guard<std::mutex> lock(registry.mu);
  auto it = registry.modules.find(path);
  if (it != registry.modules.end()) return it->second;

  // RTLD_LOCAL: the module's symbols must not satisfy anyone else's.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* reason = dlerror();
    return absl::FailedPreconditionError(absl::StrCat(
        "PKCS #11 module ", path,
        ": cannot be loaded: ", reason == nullptr ? "unknown reason" : reason));
  }
  // The library stays mapped for the life of the process (see the header),
  // so `handle` is deliberately never passed to dlclose.
  auto get_function_list = reinterpret_cast<CK_C_GetFunctionList>(
      dlsym(handle, "C_GetFunctionList"));
  if (get_function_list == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "PKCS #11 module ", path, ": no C_GetFunctionList symbol"));
  }
  CK_FUNCTION_LIST* functions = nullptr;
  if (CK_RV rv = get_function_list(&functions);
      rv != CKR_OK || functions == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("PKCS #11 module ", path,
                     ": C_GetFunctionList: ", ReturnValueName(rv)));
  }
  CK_C_INITIALIZE_ARGS args = {};
  args.flags = CKF_OS_LOCKING_OK;
  if (CK_RV rv = functions->C_Initialize(&args);
      rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "PKCS #11 module ", path, ": C_Initialize: ", ReturnValueName(rv)));
  }
  std::shared_ptr<const Module> module(new Module(path, functions));
  registry.modules.emplace(path, module);
  return module;
}

}  // namespace keyward::keystore::pkcs11
