#ifndef KEYWARD_CLIENTS_EDGE_LOG_H_
#define KEYWARD_CLIENTS_EDGE_LOG_H_

#include "absl/strings/string_view.h"

namespace keyward::edge {

// Log writes "<UTC time> <message>\n" to stderr with one write(2), so that
// lines from concurrent connections never interleave. The edge logs no
// secret: it holds none, and logs no request or response content.
void Log(absl::string_view message);

}  // namespace keyward::edge

#endif  // KEYWARD_CLIENTS_EDGE_LOG_H_
