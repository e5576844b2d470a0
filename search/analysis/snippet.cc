#include "search/analysis/snippet.h"

#include "common/html.h"

#include "common/normalizer.h"
#include "search/analysis/analyzer.h"
#include "search/analysis/query_dictionary.h"

namespace ibasho::search {
namespace {

void PutVarint(std::string* out, size_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view* in, size_t* v) {
  *v = 0;
  for (int shift = 0; !in->empty() && shift < 35; shift += 7) {
    auto b = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<size_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

bool GetString(std::string_view* in, std::string_view* s) {
  size_t n = 0;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  *s = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

struct SnippetToken {
  size_t begin, end;
  bool content;
  std::string_view word, reading;
};

}  // namespace

std::string EncodeSnippetTokens(std::string_view text, const Tokenizer& tokenizer) {
  // Per word: gap from the previous word's end, length, content flag, [normalised form, reading].
  std::string out;
  size_t prev_end = 0;
  for (const Token& t : tokenizer.Tokenize(text)) {
    PutVarint(&out, t.begin - prev_end);
    PutVarint(&out, t.end - t.begin);
    out.push_back(t.content ? 1 : 0);
    if (t.content) {
      std::string word = WordTerm(Normalize(t.surface)), reading = ReadingKey(t.reading);
      PutVarint(&out, word.size());
      out += word;
      PutVarint(&out, reading.size());
      out += reading;
    }
    prev_end = t.end;
  }
  return out;
}

std::string MakeSnippet(std::string_view text, std::string_view encoded, const std::vector<std::string>& words,
                        const std::vector<std::string>& readings, const SnippetOptions& options) {
  std::vector<SnippetToken> tokens;
  size_t pos = 0;
  while (!encoded.empty()) {
    size_t gap = 0, len = 0;
    if (!GetVarint(&encoded, &gap) || !GetVarint(&encoded, &len) || encoded.empty()) break;
    SnippetToken t{pos + gap, pos + gap + len, encoded.front() == 1, {}, {}};
    encoded.remove_prefix(1);
    if (t.content && (!GetString(&encoded, &t.word) || !GetString(&encoded, &t.reading))) break;
    if (t.end > text.size()) break;
    pos = t.end;
    tokens.push_back(t);
  }
  std::vector<bool> marked(tokens.size(), false);
  size_t first = tokens.size();
  for (size_t i = 0; i < tokens.size(); ++i) {
    const SnippetToken& t = tokens[i];
    if (!t.content) continue;
    bool hit = false;
    for (const auto& w : words)
      if (t.word == w || (CharCount(w) >= 2 && t.word.find(w) != std::string_view::npos)) hit = true;
    if (!hit && CharCount(t.word) >= 2) {
      for (const auto& qr : readings) {
        size_t r_chars = CharCount(t.reading), q_chars = CharCount(qr);
        bool inside_query = r_chars >= 3 && qr.find(t.reading) != std::string::npos && r_chars * 2 >= q_chars;
        if (t.reading == qr || inside_query || t.reading.find(qr) != std::string_view::npos) hit = true;
      }
    }
    marked[i] = hit;
    if (hit && first == tokens.size()) first = i;
  }
  // Start a little before the first match, at a word boundary.
  size_t start = 0;
  if (first < tokens.size()) {
    size_t chars = 0;
    start = first;
    while (start > 0 && chars < options.context_before) {
      --start;
      chars += CharCount(text.substr(tokens[start].begin, tokens[start].end - tokens[start].begin));
    }
  }
  std::string out;
  if (start > 0) out += "…";
  size_t chars = 0;
  for (size_t i = start; i < tokens.size(); ++i) {
    size_t gap_from = i == start ? tokens[i].begin : tokens[i - 1].end;
    out += HtmlEscape(text.substr(gap_from, tokens[i].begin - gap_from));
    if (chars >= options.max_chars) {
      out += "…";
      break;
    }
    std::string_view surface = text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
    std::string piece = HtmlEscape(surface);
    out += marked[i] ? "<mark>" + piece + "</mark>" : piece;
    chars += CharCount(surface);
  }
  return out;
}

}  // namespace ibasho::search
