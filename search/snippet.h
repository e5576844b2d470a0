// Snippets: a window of the description around the first match, HTML-escaped, with <mark> around
// whole matched words (never single characters of a word).
#ifndef IBASHO_SEARCH_SNIPPET_H_
#define IBASHO_SEARCH_SNIPPET_H_

#include <string>
#include <string_view>
#include <vector>

#include "search/tokenizer.h"

namespace ibasho::search {

struct SnippetOptions {
  size_t max_chars = 120;
  size_t context_before = 30;  // characters kept before the first match
};

std::string HtmlEscape(std::string_view text);

// words: normalised query words; readings: katakana readings of query words. A token is marked
// when its normalised surface contains a word of 2+ characters or equals a word, or when its
// reading equals or contains one of the readings.
std::string MakeSnippet(std::string_view text, const std::vector<std::string>& words,
                        const std::vector<std::string>& readings, const Tokenizer& tokenizer,
                        const SnippetOptions& options = {});

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_SNIPPET_H_
