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

}  // namespace ibasho
