// Text normalisation shared by documents and queries, so both sides meet on the same terms.
// All functions are pure and thread-safe.
#ifndef IBASHO_COMMON_NORMALIZER_H_
#define IBASHO_COMMON_NORMALIZER_H_

#include <string>
#include <string_view>

#include "common/utf8.h"

namespace ibasho {

// NFKC + case fold (ＮＰＯ→npo, ﾌﾘｰｽｸｰﾙ→フリースクール), zero-width characters removed, dash and
// wave variants after kana unified to ー (プレ−パーク→プレーパーク), whitespace runs collapsed to one
// ASCII space and trimmed. Invalid UTF-8 sequences become U+FFFD.
std::string Normalize(std::string_view text);

// Hiragana → katakana; everything else unchanged (ふとうこう → フトウコウ).
std::string ToKatakana(std::string_view text);

// True when every character is hiragana, katakana or the long-vowel mark.
bool IsKana(std::string_view text);

// Folds a trailing ー on katakana words of 4+ characters (コミュニティー → コミュニティ);
// other words are returned unchanged.
std::string FoldKatakanaLongVowel(std::string_view word);

// Number of Unicode code points.
size_t CharCount(std::string_view text);

}  // namespace ibasho

#endif  // IBASHO_COMMON_NORMALIZER_H_
