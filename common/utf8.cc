#include "common/utf8.h"

#include <unicode/utf8.h>

#include <algorithm>

namespace ibasho {

bool IsValidUtf8(std::string_view text) {
  int32_t i = 0, n = static_cast<int32_t>(text.size());
  const uint8_t* s = reinterpret_cast<const uint8_t*>(text.data());
  while (i < n) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) return false;
  }
  return true;
}

std::string TruncateUtf8(std::string_view text, size_t max_chars, std::string_view ellipsis) {
  size_t at = 0, chars = 0;
  size_t cut = 0;  // where the first max_chars - 1 code points end (the ellipsis takes the last place)
  while (at < text.size()) {
    if (chars == max_chars) return max_chars == 0 ? "" : std::string(text.substr(0, cut)) + std::string(ellipsis);
    at = std::min(text.size(), at + Utf8SequenceLength(static_cast<unsigned char>(text[at])));
    if (++chars + 1 == max_chars) cut = at;
  }
  return std::string(text);
}

}  // namespace ibasho
