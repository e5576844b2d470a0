#include "common/normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace ibasho {
namespace {

bool IsKanaChar(UChar32 c) {
  return (c >= 0x3041 && c <= 0x309F) || (c >= 0x30A0 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF);
}

bool IsDashOrWave(UChar32 c) {
  return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0x2500 || c == 0x2501 || c == 0x301C ||
         c == 0xFF5E || c == '~' || c == 0x30FC;
}

bool IsZeroWidth(UChar32 c) {
  return c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF || c == 0x00AD;
}

}  // namespace

std::string Normalize(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  static const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), text.size()));
  icu::UnicodeString folded;
  status = U_ZERO_ERROR;
  nfkc_cf->normalize(in, folded, status);
  if (U_FAILURE(status)) folded = in;

  icu::UnicodeString out;
  UChar32 prev = 0;
  bool pending_space = false;
  for (int32_t i = 0; i < folded.length();) {
    UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (IsZeroWidth(c)) continue;
    if (u_isUWhiteSpace(c) || c == 0x3000) {
      pending_space = !out.isEmpty();
      prev = ' ';
      continue;
    }
    if (pending_space) {
      out.append(static_cast<UChar32>(' '));
      pending_space = false;
    }
    if (IsDashOrWave(c) && IsKanaChar(prev) && prev != 0x30FB) c = 0x30FC;
    out.append(c);
    prev = c;
  }
  std::string result;
  out.toUTF8String(result);
  return result;
}

std::string ToKatakana(std::string_view text) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), text.size()));
  for (int32_t i = 0; i < u.length(); ++i) {
    UChar c = u.charAt(i);
    if (c >= 0x3041 && c <= 0x3096) u.setCharAt(i, static_cast<UChar>(c + 0x60));
  }
  std::string out;
  u.toUTF8String(out);
  return out;
}

bool IsKana(std::string_view text) {
  if (text.empty()) return false;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), text.size()));
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (!IsKanaChar(c)) return false;
  }
  return true;
}

std::string FoldKatakanaLongVowel(std::string_view word) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(word.data(), word.size()));
  if (u.countChar32() < 4 || u.charAt(u.length() - 1) != 0x30FC) return std::string(word);
  for (int32_t i = 0; i < u.length(); ++i) {
    UChar c = u.charAt(i);
    if (!(c >= 0x30A0 && c <= 0x30FF)) return std::string(word);
  }
  u.truncate(u.length() - 1);
  std::string out;
  u.toUTF8String(out);
  return out;
}

size_t CharCount(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace ibasho
