#include "common/taxonomy.h"

namespace ibasho {

const std::vector<CategoryInfo>& Categories() {
  static const std::vector<CategoryInfo> kCategories = {
      {"futoukou", "不登校の居場所・フリースクール"},
      {"ibasho", "居場所"},
      {"gakushu", "学習支援"},
      {"playpark", "プレーパーク・外遊び"},
      {"kodomo_shokudo", "こども食堂・フードパントリー"},
      {"hattatsu", "発達支援・障がい"},
      {"kosodate", "子育て支援・親子の会"},
      {"taiken", "体験活動"},
      {"event", "イベント"},
      {"soudan", "相談窓口"},
      {"wakamono", "若者支援"},
  };
  return kCategories;
}

const char* CategoryLabel(std::string_view code) {
  for (const auto& c : Categories()) {
    if (code == c.code) return c.label;
  }
  return nullptr;
}

const std::vector<std::string>& WeekdayCodes() {
  static const std::vector<std::string> kCodes = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  return kCodes;
}

int WeekdayIndex(std::string_view code) {
  const auto& codes = WeekdayCodes();
  for (size_t i = 0; i < codes.size(); ++i) {
    if (codes[i] == code) return static_cast<int>(i);
  }
  return -1;
}

const char* WeekdayLabel(std::string_view code) {
  static const char* kLabels[] = {"月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日"};
  int i = WeekdayIndex(code);
  return i < 0 ? nullptr : kLabels[i];
}

}  // namespace ibasho
