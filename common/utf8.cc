#include "common/utf8.h"

#include <unicode/utf8.h>

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

}  // namespace ibasho
