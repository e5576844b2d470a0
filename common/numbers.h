// Strict number parsing for untrusted text (query parameters, cursors, page tokens): the whole
// string must be the number, no sign tricks, whitespace or overflow. Never throws.
#ifndef IBASHO_COMMON_NUMBERS_H_
#define IBASHO_COMMON_NUMBERS_H_

#include <cstdint>
#include <string_view>

namespace ibasho {

bool ParseInt(std::string_view s, int* out);
bool ParseInt64(std::string_view s, int64_t* out);
bool ParseUint64(std::string_view s, uint64_t* out);
// A finite decimal number ("35.74", "-1e3"); NaN and infinities are rejected.
bool ParseDouble(std::string_view s, double* out);

}  // namespace ibasho

#endif  // IBASHO_COMMON_NUMBERS_H_
