// Secrets and identifiers from OpenSSL's CSPRNG, hashes, and comparisons of secrets. Ids are public (URLs, the change
// feed), so they must not reveal generator state; secrets must not be guessable. Thread-safe.
#ifndef IBASHO_COMMON_CRYPTO_H_
#define IBASHO_COMMON_CRYPTO_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace ibasho {

// 2 * bytes lower-case hex digits of cryptographically secure randomness. Aborts the process if
// the CSPRNG fails (it never does on a seeded Linux system; continuing would mint weak secrets).
std::string RandomHex(size_t bytes);

// prefix + 12 hex digits (48 bits), e.g. "g_3f9a1c07b2de".
inline std::string RandomId(const char* prefix) { return prefix + RandomHex(6); }

// Compares in time that depends on the lengths only, not on where the bytes differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// SHA-256 of data as 64 lower-case hex digits.
std::string Sha256Hex(const std::string& data);
// SHA-256 of data as standard base64 (a Content-Security-Policy source hash).
std::string Sha256Base64(std::string_view data);
// HMAC-SHA256 of data under key as standard base64 (LINE's X-Line-Signature).
std::string HmacSha256Base64(std::string_view key, std::string_view data);
// Standard base64 with padding (RFC 4648 section 4).
std::string Base64Encode(std::string_view bytes);

}  // namespace ibasho

#endif  // IBASHO_COMMON_CRYPTO_H_
