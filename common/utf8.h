#ifndef IBASHO_COMMON_UTF8_H_
#define IBASHO_COMMON_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace ibasho {

// True when text is well-formed UTF-8 (no overlongs, surrogates or truncated sequences).
bool IsValidUtf8(std::string_view text);

// The length in bytes of the sequence a lead byte starts (1 for ASCII and stray bytes).
inline size_t Utf8SequenceLength(unsigned char lead) {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}

// text cut to at most max_chars code points, the last being ellipsis when anything was cut.
std::string TruncateUtf8(std::string_view text, size_t max_chars, std::string_view ellipsis = "…");

}  // namespace ibasho

#endif  // IBASHO_COMMON_UTF8_H_
