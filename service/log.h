#ifndef KEYWARD_SERVICE_LOG_H_
#define KEYWARD_SERVICE_LOG_H_

#include "absl/strings/string_view.h"

namespace keyward::service {

enum class LogLevel { kInfo, kWarning, kError };

// Log writes one line "<UTC time> <I|W|E> <message>" to stderr, atomically
// with respect to other Log calls. Callers must never pass secret bytes:
// key material, pre-master secrets or signature inputs.
void Log(LogLevel level, absl::string_view message);

}  // namespace keyward::service

#endif  // KEYWARD_SERVICE_LOG_H_
