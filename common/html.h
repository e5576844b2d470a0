// Text into HTML. Pure; thread-safe.
#ifndef IBASHO_COMMON_HTML_H_
#define IBASHO_COMMON_HTML_H_

#include <string>
#include <string_view>

namespace ibasho {

// text with & < > " ' as character references: safe as element content and as a quoted
// attribute value.
std::string HtmlEscape(std::string_view text);

}  // namespace ibasho

#endif  // IBASHO_COMMON_HTML_H_
