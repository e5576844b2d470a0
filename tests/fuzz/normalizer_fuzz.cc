// The text normaliser on arbitrary bytes: it must not crash, must return valid UTF-8, and must be
// idempotent (documents and queries meet on the same terms).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/normalizer.h"
#include "common/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string once = ibasho::Normalize(text);
  if (!ibasho::IsValidUtf8(once)) std::abort();
  if (ibasho::Normalize(once) != once) std::abort();
  std::string kana = ibasho::ToKatakana(once);
  (void)ibasho::IsKana(kana);
  (void)ibasho::FoldKatakanaLongVowel(kana);
  (void)ibasho::CharCount(once);
  return 0;
}
