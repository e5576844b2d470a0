// Japanese word segmentation with MeCab (ipadic plus ibasho's user dictionary of domain words).
#ifndef IBASHO_SEARCH_ANALYSIS_TOKENIZER_H_
#define IBASHO_SEARCH_ANALYSIS_TOKENIZER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace MeCab {
class Model;
class Tagger;
}  // namespace MeCab

namespace ibasho::search {

struct Token {
  std::string surface;     // as it appears in the input
  std::string base;        // dictionary form (行き → 行く); equals surface when unknown
  std::string reading;     // katakana reading; katakana of the surface when MeCab has none
  bool content = false;    // a word worth indexing: not a particle, auxiliary or symbol
  bool noun = false;       // a noun fit for completion and spelling suggestions
  bool predicate = false;  // a content verb or adjective (開い, 楽しい)
  size_t begin = 0;        // byte offsets of surface in the input
  size_t end = 0;
};

struct TokenizerOptions {
  std::string dicdir = "/var/lib/mecab/dic/ipadic-utf8";
  std::string userdic;  // compiled user dictionary; empty for none
};

// Thread-safe: one shared model; each call uses its own lattice.
class Tokenizer {
 public:
  static StatusOr<std::unique_ptr<Tokenizer>> Create(const TokenizerOptions& options);
  ~Tokenizer();

  std::vector<Token> Tokenize(std::string_view text) const;
  // The katakana reading of the whole text (readings of its words joined).
  std::string Reading(std::string_view text) const;

 private:
  Tokenizer() = default;
  std::unique_ptr<MeCab::Model> model_;
  std::unique_ptr<MeCab::Tagger> tagger_;
};

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_ANALYSIS_TOKENIZER_H_
