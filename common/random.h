// Secrets and identifiers from OpenSSL's CSPRNG. Ids are public (URLs, the change feed), so they
// must not reveal generator state; secrets must not be guessable. Thread-safe.
#ifndef IBASHO_COMMON_RANDOM_H_
#define IBASHO_COMMON_RANDOM_H_

#include <cstddef>
#include <string>

namespace ibasho {

// 2 * bytes lower-case hex digits of cryptographically secure randomness. Aborts the process if
// the CSPRNG fails (it never does on a seeded Linux system; continuing would mint weak secrets).
std::string RandomHex(size_t bytes);

// prefix + 12 hex digits (48 bits), e.g. "g_3f9a1c07b2de".
inline std::string RandomId(const char* prefix) { return prefix + RandomHex(6); }

// SHA-256 of data as 64 lower-case hex digits.
std::string Sha256Hex(const std::string& data);

}  // namespace ibasho

#endif  // IBASHO_COMMON_RANDOM_H_
