// Whatever people type in the search box: normalisation, MeCab, dictionaries, intents, query trees.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "search/analysis/query_dictionary.h"
#include "search/analysis/tokenizer.h"
#include "search/query/query_builder.h"

namespace {

struct Analysis {
  std::unique_ptr<ibasho::search::Tokenizer> tokenizer;
  std::unique_ptr<ibasho::search::QueryDictionary> dictionary;
};

const Analysis& Shared() {
  static Analysis* a = [] {
    auto* out = new Analysis();
    ibasho::search::TokenizerOptions options;
    options.userdic = IBASHO_FUZZ_USERDIC;
    out->tokenizer = std::move(ibasho::search::Tokenizer::Create(options)).value();
    out->dictionary =
        std::move(ibasho::search::QueryDictionary::Load(IBASHO_SOURCE_DIR "/search/dict", *out->tokenizer)).value();
    return out;
  }();
  return *a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1000) return 0;  // the searcher refuses longer queries
  std::string q(reinterpret_cast<const char*>(data), size);
  ibasho::search::QueryBuilder builder(*Shared().tokenizer, *Shared().dictionary);
  auto municipality = [](const std::string& name) { return name == "練馬区" ? name : std::string(); };
  (void)builder.Build(q, /*literal=*/false, municipality);
  (void)builder.Build(q, /*literal=*/true, municipality);
  return 0;
}
