#include "search/analysis/tokenizer.h"

#include <mecab.h>

#include "common/normalizer.h"

namespace ibasho::search {
namespace {

// Splits MeCab's comma-separated feature string.
std::vector<std::string_view> SplitFeature(const char* feature) {
  std::vector<std::string_view> out;
  std::string_view f(feature);
  size_t start = 0;
  while (start <= f.size()) {
    size_t comma = f.find(',', start);
    if (comma == std::string_view::npos) comma = f.size();
    out.push_back(f.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

bool IsContent(const std::vector<std::string_view>& f, std::string_view surface) {
  if (f.empty()) return false;
  std::string_view pos = f[0];
  std::string_view sub = f.size() > 1 ? f[1] : "";
  if (pos == "助詞" || pos == "助動詞" || pos == "記号" || pos == "フィラー" || pos == "感動詞" || pos == "連体詞" ||
      pos == "接続詞" || pos == "BOS/EOS")
    return false;
  if (sub == "非自立" || sub == "代名詞") return false;
  // A lone hiragana character is almost always a fragment of a misparse.
  if (CharCount(surface) == 1 && IsKana(surface) && pos != "名詞") return false;
  return true;
}

}  // namespace

StatusOr<std::unique_ptr<Tokenizer>> Tokenizer::Create(const TokenizerOptions& options) {
  std::string args = "-d " + options.dicdir;
  if (!options.userdic.empty()) args += " -u " + options.userdic;
  std::unique_ptr<Tokenizer> t(new Tokenizer());
  t->model_.reset(MeCab::createModel(args.c_str()));
  if (!t->model_) return Status(StatusCode::kUnavailable, std::string("MeCab: ") + MeCab::getLastError());
  t->tagger_.reset(t->model_->createTagger());
  if (!t->tagger_) return Status(StatusCode::kUnavailable, std::string("MeCab: ") + MeCab::getLastError());
  return t;
}

Tokenizer::~Tokenizer() = default;

std::vector<Token> Tokenizer::Tokenize(std::string_view text) const {
  std::vector<Token> out;
  if (text.empty()) return out;
  std::unique_ptr<MeCab::Lattice> lattice(model_->createLattice());
  lattice->set_sentence(text.data(), text.size());
  if (!tagger_->parse(lattice.get())) return out;
  for (const MeCab::Node* node = lattice->bos_node(); node; node = node->next) {
    if (node->stat == MECAB_BOS_NODE || node->stat == MECAB_EOS_NODE || node->length == 0) continue;
    Token tok;
    tok.begin = static_cast<size_t>(node->surface - text.data());
    tok.end = tok.begin + node->length;
    tok.surface.assign(node->surface, node->length);
    auto f = SplitFeature(node->feature);
    tok.base = (f.size() > 6 && f[6] != "*") ? std::string(f[6]) : tok.surface;
    tok.reading = (f.size() > 7 && f[7] != "*") ? std::string(f[7]) : ToKatakana(tok.surface);
    tok.content = IsContent(f, tok.surface);
    tok.noun =
        tok.content && f[0] == "名詞" && f.size() > 1 && f[1] != "数" && f[1] != "接尾" && CharCount(tok.surface) >= 2;
    tok.predicate = tok.content && (f[0] == "動詞" || f[0] == "形容詞");
    out.push_back(std::move(tok));
  }
  return out;
}

std::string Tokenizer::Reading(std::string_view text) const {
  std::string out;
  for (const auto& t : Tokenize(text)) out += t.reading;
  return out;
}

}  // namespace ibasho::search
