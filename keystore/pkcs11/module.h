#ifndef KEYWARD_KEYSTORE_PKCS11_MODULE_H_
#define KEYWARD_KEYSTORE_PKCS11_MODULE_H_

#include <p11-kit/pkcs11.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace keyward::keystore::pkcs11 {

// Module: a PKCS #11 module (a vendor's shared library, or SoftHSM) loaded
// with dlopen and initialised for multi-threaded use (CKF_OS_LOCKING_OK).
// PKCS #11 allows one C_Initialize per module per process, so there is one
// Module per library path, and it stays loaded and initialised until the
// process exits: finalising it while another keystore snapshot, or a
// thread still finishing an operation, uses it would pull the module out
// from under them. Thread-safe.
class Module {
 public:
  // Load returns the module at `path` (an absolute path), loading and
  // initialising it on first use. FailedPrecondition naming the path when
  // it cannot be loaded, has no C_GetFunctionList, or C_Initialize fails.
  // A module that some other code in the process initialised already
  // (CKR_CRYPTOKI_ALREADY_INITIALIZED) is used as it is.
  static absl::StatusOr<std::shared_ptr<const Module>> Load(
      const std::string& path);

  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // The module's function list (never null; owned by the module).
  CK_FUNCTION_LIST* functions() const { return functions_; }
  const std::string& path() const { return path_; }

 private:
  Module(std::string path, CK_FUNCTION_LIST* functions)
      : path_(std::move(path)), functions_(functions) {}

  const std::string path_;
  CK_FUNCTION_LIST* const functions_;
};

}  // namespace keyward::keystore::pkcs11

#endif  // KEYWARD_KEYSTORE_PKCS11_MODULE_H_
