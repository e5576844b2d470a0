#include "search/snippet.h"

#include "search/analyzer.h"
#include "search/normalizer.h"
#include "search/query_dictionary.h"

namespace ibasho::search {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\n':
      case '\r': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

std::string MakeSnippet(std::string_view text, const std::vector<std::string>& words,
                        const std::vector<std::string>& readings, const Tokenizer& tokenizer,
                        const SnippetOptions& options) {
  std::vector<Token> tokens = tokenizer.Tokenize(text);
  std::vector<bool> marked(tokens.size(), false);
  size_t first = tokens.size();
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (!t.content) continue;
    std::string norm = WordTerm(Normalize(t.surface));
    bool hit = false;
    for (const auto& w : words) {
      if (norm == w || (CharCount(w) >= 2 && norm.find(w) != std::string::npos)) hit = true;
    }
    if (!hit && CharCount(norm) >= 2) {
      std::string r = ReadingKey(t.reading);
      for (const auto& qr : readings)
        if (r == qr || (CharCount(r) >= 3 && qr.find(r) != std::string::npos && CharCount(r) * 2 >= CharCount(qr)) ||
            r.find(qr) != std::string::npos)
          hit = true;
    }
    marked[i] = hit;
    if (hit && first == tokens.size()) first = i;
  }
  // Start a little before the first match, at a token boundary.
  size_t start = 0;
  if (first < tokens.size()) {
    size_t chars = 0;
    start = first;
    while (start > 0 && chars < options.context_before) {
      --start;
      chars += CharCount(tokens[start].surface);
    }
  }
  std::string out;
  if (start > 0) out += "…";
  size_t chars = 0;
  for (size_t i = start; i < tokens.size(); ++i) {
    // Keep the text between tokens (spaces MeCab skipped).
    size_t gap_from = i == start ? tokens[i].begin : tokens[i - 1].end;
    out += HtmlEscape(text.substr(gap_from, tokens[i].begin - gap_from));
    if (chars >= options.max_chars) {
      out += "…";
      break;
    }
    std::string piece = HtmlEscape(tokens[i].surface);
    out += marked[i] ? "<mark>" + piece + "</mark>" : piece;
    chars += CharCount(tokens[i].surface);
  }
  return out;
}

}  // namespace ibasho::search
