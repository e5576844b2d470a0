#ifndef IBASHO_COMMON_URL_H_
#define IBASHO_COMMON_URL_H_

#include <string>
#include <string_view>

namespace ibasho {

// Percent-encodes everything but ASCII letters, digits and "-_." (for query-string values).
std::string PercentEncode(std::string_view s);

}  // namespace ibasho

#endif  // IBASHO_COMMON_URL_H_
