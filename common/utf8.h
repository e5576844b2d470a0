#ifndef IBASHO_COMMON_UTF8_H_
#define IBASHO_COMMON_UTF8_H_

#include <string_view>

namespace ibasho {

// True when text is well-formed UTF-8 (no overlongs, surrogates or truncated sequences).
bool IsValidUtf8(std::string_view text);

}  // namespace ibasho

#endif  // IBASHO_COMMON_UTF8_H_
