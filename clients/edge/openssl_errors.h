#ifndef KEYWARD_CLIENTS_EDGE_OPENSSL_ERRORS_H_
#define KEYWARD_CLIENTS_EDGE_OPENSSL_ERRORS_H_

#include <string>

namespace keyward::edge {

// TakeOpenSslErrors empties the calling thread's OpenSSL error queue and
// returns its entries, oldest first, as "library:reason[:details]" joined
// by "; " ("no OpenSSL error" when the queue is empty). The details of the
// keyward provider's errors carry the key service's status.
std::string TakeOpenSslErrors();

}  // namespace keyward::edge

#endif  // KEYWARD_CLIENTS_EDGE_OPENSSL_ERRORS_H_
