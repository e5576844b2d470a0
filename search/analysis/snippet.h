// Snippets: a window of the description around the first match, HTML-escaped, with <mark>
// around whole matched words (never single characters of a word). The description's words are
// found once, at index time (EncodeSnippetTokens), so a query needs no morphological analysis.
#ifndef IBASHO_SEARCH_ANALYSIS_SNIPPET_H_
#define IBASHO_SEARCH_ANALYSIS_SNIPPET_H_

#include <string>
#include <string_view>
#include <vector>

#include "search/analysis/tokenizer.h"

namespace ibasho::search {

struct SnippetOptions {
  size_t max_chars = 120;
  size_t context_before = 30;  // characters kept before the first match
};

// The words of text (offsets, and for content words their normalised form and reading), packed.
std::string EncodeSnippetTokens(std::string_view text, const Tokenizer& tokenizer);

// words: normalised query words; readings: katakana readings of query words. A word is marked
// when its normalised form contains a query word of 2+ characters or equals one, or when its
// reading equals or contains one of the readings. tokens come from EncodeSnippetTokens(text).
std::string MakeSnippet(std::string_view text, std::string_view tokens, const std::vector<std::string>& words,
                        const std::vector<std::string>& readings, const SnippetOptions& options = {});

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_ANALYSIS_SNIPPET_H_
