#include "common/normalizer.h"
#include "common/utf8.h"

#include <gtest/gtest.h>

namespace ibasho {
namespace {

struct Case {
  const char* in;
  const char* out;
};

TEST(Normalizer, FoldsWidthCaseAndVariants) {
  const Case cases[] = {
      {"ＮＰＯ法人", "npo法人"},             // full-width ASCII folds and lower-cases
      {"ﾌﾘｰｽｸｰﾙ", "フリースクール"},         // half-width katakana composes
      {"ｶﾞｯｺｳ", "ガッコウ"},                 // half-width voiced marks join
      {"プレ−パーク", "プレーパーク"},       // minus sign after kana is the long vowel
      {"プレ-パーク", "プレーパーク"},       // ASCII hyphen after kana too
      {"プレ〜パーク", "プレーパーク"},      // wave dash after kana too
      {"10:00〜15:00", "10:00〜15:00"},      // but not after digits
      {"不\u200b登校", "不登校"},            // zero-width space removed
      {"こども\u3000食堂", "こども 食堂"},   // ideographic space → one ASCII space
      {"  こども   食堂  ", "こども 食堂"},  // runs collapse, ends trimmed
      {"①", "1"},                            // compatibility digits
      {"㈱ねりま", "(株)ねりま"},
  };
  for (const auto& c : cases) EXPECT_EQ(Normalize(c.in), c.out) << c.in;
}

TEST(Normalizer, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(Normalize("a\xff"
                      "b"),
            "a\xef\xbf\xbd"
            "b");
}

TEST(Normalizer, HiraganaToKatakana) {
  EXPECT_EQ(ToKatakana("ふとうこう"), "フトウコウ");
  EXPECT_EQ(ToKatakana("こども食堂"), "コドモ食堂");
  EXPECT_EQ(ToKatakana("ABC"), "ABC");
}

TEST(Normalizer, TrailingLongVowelFoldsOnLongKatakanaWords) {
  const Case cases[] = {
      {"コミュニティー", "コミュニティ"},
      {"センター", "センタ"},
      {"パーティー", "パーティ"},
      {"カー", "カー"},  // fewer than 4 characters: kept
      {"ルー", "ルー"},
      {"こどもー", "こどもー"},  // not katakana: kept
      {"プレーパーク", "プレーパーク"},
  };
  for (const auto& c : cases) EXPECT_EQ(FoldKatakanaLongVowel(c.in), c.out) << c.in;
}

TEST(Normalizer, ValidUtf8Table) {
  EXPECT_TRUE(IsValidUtf8("不登校"));
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xe4\xb8"));      // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
}

TEST(Normalizer, IsKana) {
  EXPECT_TRUE(IsKana("ふとうこう"));
  EXPECT_TRUE(IsKana("プレーパーク"));
  EXPECT_FALSE(IsKana("不登校"));
  EXPECT_FALSE(IsKana(""));
}

TEST(Utf8, TruncateCountsCodePointsAndMarksTheCut) {
  const struct {
    const char* text;
    size_t max;
    const char* out;
  } cases[] = {
      {"こども食堂", 5, "こども食堂"},
      {"こども食堂", 4, "こども…"},
      {"こども食堂", 1, "…"},
      {"こども食堂", 0, ""},
      {"abc", 3, "abc"},
      {"abcd", 3, "ab…"},
      {"", 3, ""},
      {"a😀b😀", 3, "a😀…"},
  };
  for (const auto& c : cases) EXPECT_EQ(TruncateUtf8(c.text, c.max), c.out) << c.text << " " << c.max;
}

}  // namespace
}  // namespace ibasho
